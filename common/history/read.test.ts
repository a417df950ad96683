import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HistoryError } from '../errors.js';
import { collect, readIndex, rejectsWithHistoryError, SHARED_HISTORIES, temporaryDirectory } from './fixtures.js';
import { pairEvents } from './pair.js';
import { readHistory, readOperations, sniffFormat } from './read.js';
import type { HistoryEvent } from './types.js';

const files = temporaryDirectory();
after(() => files.remove());

const JSONL = [
  '{"index":0,"time":10,"process":0,"type":"invoke","f":"write","value":1}',
  '{"index":1,"time":20,"process":1,"type":"invoke","f":"read","value":null}',
  '{"index":2,"time":30,"process":"nemesis","type":"info","f":"kill","value":["n1"]}',
  '{"index":3,"time":40,"process":1,"type":"ok","f":"read","value":1}',
  '{"index":4,"time":50,"process":0,"type":"info","f":"write","error":"timed-out"}',
  '{"index":5,"time":60,"process":2,"type":"invoke","f":"cas","value":[1,2]}',
  '{"index":6,"time":70,"process":2,"type":"fail","f":"cas","value":[1,2]}',
  '{"index":7,"time":80,"process":3,"type":"invoke","f":"write","value":5}',
].join('\n');

const EDN = '[{:process 0 :type :invoke :f :read :value nil}\n {:process 0 :type :ok :f :read :value 3}]';
const EDN_STREAM = '{:process 0 :type :invoke :f :read :value nil}\n{:process 0 :type :ok :f :read :value 3}';
const LOG = 'INFO jepsen.util - 0 :invoke :read nil\nINFO jepsen.util - 0 :ok :read 3\n';

describe('readHistory', () => {
  it('chooses the reader by extension', async () => {
    for (const [name, text] of [['h.jsonl', JSONL], ['h.json', JSONL], ['h.edn', EDN], ['h.log', LOG]]) {
      const events = await collect(readHistory(files.write(name ?? '', text ?? '')));
      assert.ok(events.length >= 2, name);
    }
  });

  it('sniffs the format of other files', async () => {
    const expected = [[0, 'read', null], [1, 'read', 3]];
    for (const [name, text] of [['a.txt', EDN], ['b.txt', EDN_STREAM], ['c.history', LOG]]) {
      const events = await collect(readHistory(files.write(name ?? '', text ?? '')));
      assert.deepEqual(events.map((event) => [event.index, event.f, event.value]), expected, name);
    }
    assert.equal(sniffFormat('\n  {"process":0}'), 'jsonl');
    assert.equal(sniffFormat('{ :process 0}'), 'edn');
    assert.equal(sniffFormat('; history\n[]'), 'edn');
    assert.equal(sniffFormat(''), 'jsonl');
    assert.equal(sniffFormat('hello'), undefined);
  });

  it('refuses a file whose format it cannot tell', async () => {
    const path = files.write('mystery.dat', 'process 0 invoked read\n');
    await rejectsWithHistoryError(collect(readHistory(path)), { where: path, message: /cannot tell the format/, hint: /\.jsonl/ });
  });

  it('reports a missing file or a directory clearly', async () => {
    const missing = join(files.directory, 'nope.jsonl');
    await rejectsWithHistoryError(collect(readHistory(missing)), { where: missing, message: /not found/, hint: /check the path/ });
    await rejectsWithHistoryError(collect(readHistory(files.directory)), { where: files.directory, message: /not a regular file/ });
  });

  it('bounds the number of events with maxEvents', async () => {
    const path = files.write('bounded.jsonl', JSONL);
    assert.equal((await collect(readHistory(path, { maxEvents: 8 }))).length, 8);
    await rejectsWithHistoryError(collect(readHistory(path, { maxEvents: 7 })), {
      where: path,
      message: /larger than the limit of 7 events/,
      hint: /maxEvents/,
    });
    await assert.rejects(collect(readHistory(path, { maxEvents: -1 })), HistoryError);
  });

  it('passes the independent option to the EDN reader', async () => {
    const path = files.write('tuples.edn', '{:process 0 :type :invoke :f :read :value [1 nil]}');
    assert.deepEqual((await collect(readHistory(path)))[0]?.key, 1);
    assert.deepEqual((await collect(readHistory(path, { independent: false })))[0]?.value, [1, null]);
  });
});

describe('readOperations and pairEvents', () => {
  it('pairs invocations with completions', async () => {
    const { operations, nemesis, events } = await readOperations(files.write('pairs.jsonl', JSONL));
    assert.equal(events, 8);
    assert.deepEqual(nemesis.map((event) => event.f), ['kill']);
    assert.deepEqual(operations, [
      { id: 0, process: 0, f: 'write', input: 1, output: 1, status: 'info', callIndex: 0, returnIndex: Infinity, callTime: 10, error: 'timed-out' },
      { id: 1, process: 1, f: 'read', input: null, output: 1, status: 'ok', callIndex: 1, returnIndex: 3, callTime: 20, returnTime: 40 },
      { id: 2, process: 2, f: 'cas', input: [1, 2], output: [1, 2], status: 'fail', callIndex: 5, returnIndex: 6, callTime: 60, returnTime: 70 },
      { id: 3, process: 3, f: 'write', input: 5, output: 5, status: 'info', callIndex: 7, returnIndex: Infinity, callTime: 80 },
    ]);
  });

  it('pairs in-memory histories, keyed and out of order by process', () => {
    const history: HistoryEvent[] = [
      { index: 0, process: 1, type: 'invoke', f: 'put', key: 'a', value: 'x' },
      { index: 1, process: 0, type: 'invoke', f: 'get', key: 'b', value: null },
      { index: 2, process: 0, type: 'ok', f: 'get', key: 'b', value: '' },
      { index: 3, process: 1, type: 'ok', f: 'put', key: 'a', value: 'x' },
    ];
    const { operations } = pairEvents(history);
    assert.deepEqual(operations.map((operation) => [operation.id, operation.key, operation.callIndex, operation.returnIndex]), [
      [0, 'a', 0, 3],
      [1, 'b', 1, 2],
    ]);
  });

  it('sorts in-memory operations by invocation', () => {
    const history: HistoryEvent[] = [
      { index: 5, process: 0, type: 'invoke', f: 'read' },
      { index: 2, process: 1, type: 'invoke', f: 'read' },
    ];
    assert.deepEqual(pairEvents(history).operations.map((operation) => [operation.id, operation.callIndex]), [[0, 2], [1, 5]]);
  });

  it('refuses unpaired in-memory completions', () => {
    assert.throws(() => pairEvents([{ index: 0, process: 0, type: 'ok', f: 'read' }]), HistoryError);
    const twice: HistoryEvent[] = [
      { index: 0, process: 0, type: 'invoke', f: 'read' },
      { index: 1, process: 0, type: 'invoke', f: 'read' },
    ];
    assert.throws(() => pairEvents(twice), /still open/);
  });

  it('reads all 108 shared histories with the counts of their index.tsv', async () => {
    let checked = 0;
    for (const set of ['etcd', 'kv']) {
      for (const row of readIndex(set)) {
        const file = row['file'] ?? '';
        const { operations, events, nemesis } = await readOperations(join(SHARED_HISTORIES, set, file));
        const count = (status: string): number => operations.filter((operation) => operation.status === status).length;
        const actual = [operations.length, events, count('ok'), count('fail'), count('info'), new Set(operations.map((operation) => operation.process)).size];
        const expected = ['ops', 'events', 'ok', 'fail', 'info', 'processes'].map((column) => Number(row[column]));
        assert.deepEqual(actual, expected, `${set}/${file}`);
        assert.equal(nemesis.length, 0);
        checked += 1;
      }
    }
    assert.equal(checked, 108);
  });
});
