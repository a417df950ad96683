/**
 * A JSONL history parsed on several threads reads exactly as one thread
 * reads it: the same events, the same error at the same file:line, the same
 * cut. Ranges are forced small (minRangeBytes 1) so that small files split.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HistoryError } from '../errors.js';
import type { CutLine } from './files.js';
import { collect, SHARED_HISTORIES, temporaryDirectory } from './fixtures.js';
import { parseRanges, type ParallelParseOptions } from './jsonl-parallel.js';
import { readHistory, readHistoryBatches } from './read.js';
import type { HistoryEvent } from './types.js';

const files = temporaryDirectory();
after(() => files.remove());

const SPLIT = { threads: 4, minRangeBytes: 1 };
const ONE_THREAD = { threads: 1 };

interface Outcome {
  events: HistoryEvent[];
  cuts: CutLine[];
  error?: { message: string; where: string | undefined };
}

/** Every event handed over before an error, the error, and any cut. */
async function outcome(path: string, parallel: ParallelParseOptions, onCut = true): Promise<Outcome> {
  const cuts: CutLine[] = [];
  const events: HistoryEvent[] = [];
  try {
    for await (const batch of readHistoryBatches(path, { parallel, ...(onCut ? { onCut: (cut: CutLine) => cuts.push(cut) } : {}) })) events.push(...batch);
  } catch (error) {
    assert.ok(error instanceof HistoryError, `expected a HistoryError, got ${String(error)}`);
    return { events, cuts, error: { message: error.message, where: error.where } };
  }
  return { events, cuts };
}

/** Small batches, and workers that fail (as one out of memory would) after their first one or none. */
const FAILING_WORKERS = [
  { batchRecords: 50 },
  { batchRecords: 50, failAfterBatches: 1 },
  { batchRecords: 50, failAfterBatches: 0 },
];

async function assertSameOnEveryThreadCount(path: string, onCut = true): Promise<Outcome> {
  const expected = await outcome(path, ONE_THREAD, onCut);
  for (const threads of [2, 3, 4, 7]) {
    assert.deepStrictEqual(await outcome(path, { ...SPLIT, threads }, onCut), expected, `${path} on ${threads} threads`);
  }
  for (const workers of FAILING_WORKERS) {
    assert.deepStrictEqual(await outcome(path, { ...SPLIT, ...workers }, onCut), expected, `${path} with workers ${JSON.stringify(workers)}`);
  }
  return expected;
}

const invoke = (index: number, process: number | string, extra = ''): string =>
  `{"index":${index},"time":${index * 10},"process":${JSON.stringify(process)},"type":"invoke","f":"write","key":"k${index % 3}","value":${index}${extra}}`;
const ok = (index: number, process: number | string, extra = ''): string =>
  `{"index":${index},"time":${index * 10},"process":${JSON.stringify(process)},"type":"ok","f":"write","key":"k${(index - 1) % 3}","value":${index - 1}${extra}}`;

/** Pairs of invoke and ok, one process each, numbered from `from`. */
function pairs(from: number, count: number): string[] {
  const lines: string[] = [];
  for (let pair = 0; pair < count; pair++) {
    const index = from + pair * 2;
    lines.push(invoke(index, pair % 5), ok(index + 1, pair % 5));
  }
  return lines;
}

describe('parsing a JSONL history on several threads', () => {
  it('reads every shared history exactly as one thread does', async () => {
    let checked = 0;
    for (const set of readdirSync(SHARED_HISTORIES)) {
      const directory = join(SHARED_HISTORIES, set);
      if (!statSync(directory).isDirectory()) continue;
      for (const name of readdirSync(directory).filter((file) => file.endsWith('.jsonl')).slice(0, 12)) {
        const path = join(directory, name);
        const one = await collect(readHistory(path, { parallel: ONE_THREAD }));
        assert.deepStrictEqual(await collect(readHistory(path, { parallel: SPLIT })), one, path);
        checked += 1;
      }
    }
    assert.ok(checked >= 12, `only ${checked} shared histories found`);
  });

  it('keeps every field and odd shape: large integers, unicode, nulls, nested values, extra fields, blank lines, CRLF and lone CR', async () => {
    const lines = [
      `\ufeff${invoke(0, 0, ',"node":"n1"')}`,
      '{"index":1,"time":10,"process":0,"type":"ok","f":"write","key":"k0","value":9007199254740993,"node":"n1"}',
      '',
      '   ',
      '{"index":2,"process":"nemesis","type":"info","f":"start","value":{"partition":[["n1"],["n2","n3"]]}}',
      '{"index":3,"time":-0,"process":1,"type":"invoke","f":"cas","key":7,"value":[1,"ζ 🙂"]}',
      '{"index":4,"time":40,"process":1,"type":"fail","f":"cas","key":7,"value":[1,"ζ 🙂"],"error":{"why":"timeout"},"extra":true}',
      '{"process":2,"type":"invoke","f":"read","key":null,"value":null}',
      '{"process":2,"type":"ok","f":"read","key":null,"value":"ünïcode","error":null}',
      '{"index":7,"time":1e3,"process":3,"type":"invoke","f":"write","value":false}',
      '{"index":8,"time":1001,"process":3,"type":"info","f":"write","value":false,"error":"timeout"}',
    ];
    const text = `${lines.slice(0, 6).join('\r\n')}\r\n${lines.slice(6, 8).join('\r')}\r${lines.slice(8).join('\n')}\n`;
    const { events, error } = await assertSameOnEveryThreadCount(files.write('shapes.jsonl', text));
    assert.equal(error, undefined);
    assert.equal(events.length, 9);
    assert.equal(events[1]!.value, '9007199254740993');
    assert.ok(Object.is(events[3]!.time, -0));
  });

  it('names the same file:line for a malformed line inside a later range, after the same events', async () => {
    const lines = pairs(0, 400);
    lines.splice(611, 0, '{"index":"broken"');
    const path = files.write('malformed.jsonl', `${lines.join('\n')}\n`);
    const { events, error } = await assertSameOnEveryThreadCount(path);
    assert.equal(error?.where, `${path}:612`);
    assert.match(error!.message, /malformed JSON/);
    assert.ok(events.length <= 611);
  });

  it('names the same file:line for a pairing mistake inside a later range', async () => {
    const lines = pairs(0, 300);
    lines[501] = invoke(501, 0);
    const path = files.write('pairing.jsonl', `${lines.join('\n')}\n`);
    const { error } = await assertSameOnEveryThreadCount(path);
    assert.equal(error?.where, `${path}:502`);
  });

  it('ends at the line before a last line cut short, and fails on one that a newline follows', async () => {
    const lines = pairs(0, 300);
    const cut = files.write('cut.jsonl', `${lines.join('\n')}\n{"index":600,"process":1,"type":"inv`);
    const { events, cuts, error } = await assertSameOnEveryThreadCount(cut);
    assert.equal(error, undefined);
    assert.equal(events.length, 600);
    assert.equal(cuts[0]?.line, 601);
    const notCut = files.write('not-cut.jsonl', `${lines.join('\n')}\n{"index":600,"process":1,"type":"inv\n`);
    assert.equal((await assertSameOnEveryThreadCount(notCut)).error?.where, `${notCut}:601`);
    assert.equal((await assertSameOnEveryThreadCount(cut, false)).error?.where, `${cut}:601`);
  });
});

describe('parseRanges', () => {
  it('cuts a file into contiguous ranges that each start a line', async () => {
    const text = `${pairs(0, 500).join('\n')}\n`;
    const path = files.write('ranges.jsonl', text);
    const bytes = readFileSync(path);
    for (const threads of [1, 2, 3, 8]) {
      const ranges = await parseRanges(path, { threads, minRangeBytes: 1 });
      assert.equal(ranges.length, threads);
      assert.equal(ranges[0]!.start, 0);
      assert.equal(ranges[ranges.length - 1]!.end, bytes.length);
      for (let at = 1; at < ranges.length; at++) {
        assert.equal(ranges[at]!.start, ranges[at - 1]!.end);
        assert.equal(bytes[ranges[at]!.start - 1], 10, 'a range starts just after a newline');
      }
    }
  });

  it('keeps a small file, or one long line, in one range', async () => {
    const small = files.write('small.jsonl', `${pairs(0, 10).join('\n')}\n`);
    assert.equal((await parseRanges(small, { threads: 8 })).length, 1);
    const oneLine = files.write('one-line.jsonl', invoke(0, 0));
    assert.equal((await parseRanges(oneLine, { threads: 8, minRangeBytes: 1 })).length, 1);
  });
});
