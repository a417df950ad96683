import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HistoryError } from '../errors.js';
import { readEdn } from './edn.js';
import { EdnParser } from './edn-parser.js';
import { collect, rejectsWithHistoryError, temporaryDirectory } from './fixtures.js';

const files = temporaryDirectory();
after(() => files.remove());

function parseEdn(text: string): unknown {
  const parser = new EdnParser('inline');
  parser.text = text;
  parser.final = true;
  return parser.readForm();
}

const VECTOR_HISTORY = `[{:type :invoke, :f :write, :value 3, :process 0, :time 100, :index 0}
 {:type :ok, :f :write, :value 3, :process 0, :time 250, :index 1}
 {:type :info, :f :start, :value nil, :process :nemesis, :time 300, :index 2}
 {:type :invoke, :f :cas, :value [3 4], :process 1, :time 400, :index 3}
 {:type :info, :f :cas, :value [3 4], :process 1, :time 900, :index 4, :error :timed-out}]
`;

const INDEPENDENT_HISTORY = `{:process 0, :type :invoke, :f :read, :value [7 nil]}
{:process 0, :type :ok, :f :read, :value [7 2]}
{:process :nemesis, :type :info, :f :start, :value "partition"}
{:process 1, :type :invoke, :f :write, :value #jepsen.independent.Tuple{:key 8, :value 5}}
{:process 1, :type :ok, :f :write, :value #jepsen.independent.Tuple{:key 8, :value 5}}
`;

describe('EDN values', () => {
  it('reads the subset Jepsen histories use', () => {
    const value = parseEdn(`{:s "a\\"b\\n\\u00e9", :big 12N, :huge 123456789012345678901N, :float 2.5,
      :ratio 1/4, :nil nil, :yes true, :no false, :chars [\\a \\newline \\u0041], :set #{1},
      :list (1 2), ; a comment
       #_ :gone #_ [ignored], :inst #inst "2015-01-01T00:00:00Z", :uuid #uuid "0b4f", :tag #my/tag {:x 1},
      :ns :jepsen.nemesis/start, :tuple #jepsen.independent.Tuple{:key 3 :value [1 2]}}`);
    assert.deepEqual(value, {
      s: 'a"b\né', big: 12, huge: '123456789012345678901', float: 2.5, ratio: 0.25, nil: null, yes: true,
      no: false, chars: ['a', '\n', 'A'], set: [1], list: [1, 2], inst: '2015-01-01T00:00:00Z',
      uuid: '0b4f', tag: { x: 1 }, ns: 'jepsen.nemesis/start', tuple: [3, [1, 2]],
    });
  });

  it('reports syntax errors with their line', () => {
    for (const [text, message] of [
      ['{:a 1\n :b}', /key with no value/],
      ['[1\n2', /vector opened at line 1 is not closed/],
      ['"abc', /string opened at line 1/],
      ['\\bogus', /unknown character/],
      ['1/0', /divides by zero/],
      ['12abc', /malformed number/],
      ['(]', /cannot close the list/],
      [`${'['.repeat(1000)}`, /nested more than/],
    ] as const) {
      assert.throws(() => parseEdn(text), (error: unknown) => error instanceof HistoryError && message.test(error.message));
    }
  });
});

describe('readEdn', () => {
  it('reads a vector of op maps', async () => {
    const events = await collect(readEdn(files.write('vector.edn', VECTOR_HISTORY)));
    assert.equal(events.length, 5);
    assert.deepEqual(events[0], { index: 0, time: 100, process: 0, type: 'invoke', f: 'write', value: 3 });
    assert.deepEqual(events[2], { index: 2, time: 300, process: 'nemesis', type: 'info', f: 'start', value: null });
    assert.deepEqual(events[4]?.error, 'timed-out');
    assert.deepEqual(events[4]?.value, [3, 4]);
  });

  it('reads a stream of op maps, several to a line, and assigns indexes', async () => {
    const text = '{:process 0 :type :invoke :f :read :value nil} {:process 0 :type :ok :f :read :value 1}\n{:process 1 :type :invoke :f :read}';
    const events = await collect(readEdn(files.write('stream.edn', text)));
    assert.deepEqual(events.map((event) => [event.index, event.type]), [[0, 'invoke'], [1, 'ok'], [2, 'invoke']]);
  });

  it('reads Jepsen 0.3 op records (#jepsen.history.Op{...}) as maps', async () => {
    const text = '#jepsen.history.Op{:index 0, :time 5, :type :invoke, :process 0, :f :read, :value nil}\n' +
      '#jepsen.history.Op{:index 1, :time 9, :type :ok, :process 0, :f :read, :value 4}\n';
    const events = await collect(readEdn(files.write('records.edn', text)));
    assert.deepEqual(events[1], { index: 1, time: 9, process: 0, type: 'ok', f: 'read', value: 4 });
  });

  it('splits independent tuples into key and value, with tagged Tuples too', async () => {
    const events = await collect(readEdn(files.write('independent.edn', INDEPENDENT_HISTORY)));
    assert.deepEqual(events.map((event) => [event.key, event.value]), [[7, null], [7, 2], [undefined, 'partition'], [8, 5], [8, 5]]);
  });

  it('keeps tuples whole when told the history is not independent', async () => {
    const path = files.write('kept.edn', INDEPENDENT_HISTORY);
    const events = await collect(readEdn(path, { independent: false }));
    assert.deepEqual(events[1]?.value, [7, 2]);
    assert.equal(events[1]?.key, undefined);
  });

  it('does not take a cas register for an independent history', async () => {
    const text = '[{:process 0 :type :invoke :f :cas :value [1 2]} {:process 0 :type :ok :f :cas :value [1 2]}\n {:process 1 :type :invoke :f :read :value nil}]';
    const path = files.write('cas.edn', text);
    const events = await collect(readEdn(path));
    assert.deepEqual(events[0]?.value, [1, 2]);
    await rejectsWithHistoryError(collect(readEdn(path, { independent: true })), {
      where: `${path}:2`,
      message: /independent \[key value\] tuple/,
    });
  });

  it('gives the same events whatever the chunk size', async () => {
    const path = files.write('chunks.edn', `; Jepsen history, "é" and 🙂 across chunk edges\n${VECTOR_HISTORY.replace(':start', ':start-ébranlé-🙂')}`);
    const expected = await collect(readEdn(path));
    for (const chunkSizeBytes of [1, 2, 3, 5, 7, 16, 100]) {
      assert.deepEqual(await collect(readEdn(path, { chunkSizeBytes })), expected);
    }
    assert.equal(expected[2]?.f, 'start-ébranlé-🙂');
  });

  it('names the line of an op that breaks the history rules', async () => {
    const text = '[{:process 0 :type :invoke :f :read}\n\n {:process 0 :type :ok :f :write}]';
    const path = files.write('rules.edn', text);
    await rejectsWithHistoryError(collect(readEdn(path)), { where: `${path}:3`, message: /f "write"/ });
  });

  it('reports malformed files with file:line', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['open.edn', '[{:process 0 :type :invoke :f :read}\n', /history vector opened at line 1 is not closed/],
      ['string.edn', '{:process 0 :type :invoke :f :read :value "abc}\n', /string opened at line 1/],
      ['not-map.edn', '{:process 0 :type :invoke :f :read}\n[1 2]\n', /expected an op map/],
      ['after.edn', '[{:process 0 :type :invoke :f :read}]\n{:process 1}', /after the history vector/],
      ['stray.edn', '{:process 0 :type :invoke :f :read}\n}', /nothing open to close/],
    ];
    const lines = [1, 1, 2, 2, 2];
    for (const [index, [name, text, message]] of cases.entries()) {
      const path = files.write(name, text);
      await rejectsWithHistoryError(collect(readEdn(path, { chunkSizeBytes: 4 })), { where: `${path}:${lines[index]}`, message });
    }
  });

  it('reads an empty file and an empty vector as empty histories', async () => {
    assert.deepEqual(await collect(readEdn(files.write('empty.edn', ' \n'))), []);
    assert.deepEqual(await collect(readEdn(files.write('empty-vector.edn', '[]'))), []);
  });
});
