/**
 * The parallel JSONL reader reads exactly what the one-thread reader reads:
 * the same events, the same error at the same line, the same cut line.
 * Small ranges (a few lines each) make every line break a possible cut.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CutLine } from './files.js';
import { readJsonlBatches } from './jsonl.js';
import type { HistoryEvent } from './types.js';

const directory = mkdtempSync(join(tmpdir(), 'faultline-parallel-lines-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const IN_WORKERS = { fromBytes: 0, rangeBytes: 97, workers: 2 };

interface Outcome {
  events: HistoryEvent[];
  error?: string;
  cuts: string[];
}

async function read(file: string, inWorkers: boolean): Promise<Outcome> {
  const events: HistoryEvent[] = [];
  const cuts: string[] = [];
  const options = { onCut: (cut: CutLine) => void cuts.push(cut.message), ...(inWorkers ? { parallel: IN_WORKERS } : {}) };
  try {
    for await (const batch of readJsonlBatches(file, options)) events.push(...batch);
  } catch (error) {
    return { events, error: error instanceof Error ? error.message : String(error), cuts };
  }
  return { events, cuts };
}

function clientLines(count: number): string[] {
  const lines: string[] = [];
  for (let operation = 0; operation < count; operation++) {
    const process = operation % 3;
    const key = operation % 2 === 0 ? '"k1"' : '7';
    lines.push(`{"index":${2 * operation},"time":${operation * 10},"process":${process},"type":"invoke","f":"append","key":${key},"value":"x ${operation} é"}`);
    lines.push(`{"index":${2 * operation + 1},"process":${process},"type":"ok","f":"append","key":${key},"value":"x ${operation} é","node":"n1"}`);
  }
  return lines;
}

const CASES: Record<string, string> = {
  plain: `${clientLines(40).join('\n')}\n`,
  'odd lines': [
    '\ufeff{"process":0,"type":"invoke","f":"write","value":9007199254740993}',
    '',
    '   ',
    '{"process":"nemesis","type":"info","f":"partition","value":{"cut":["n1","n2"]}}',
    '{"process":0,"type":"ok","f":"write","value":9007199254740993,"extra":true}',
    '{"process":1,"type":"invoke","f":"cas","value":[1,2],"error":null}',
    '{"process":1,"type":"fail","f":"cas","value":[1,2],"error":{"why":"conflict"}}',
    '{"process":2,"type":"invoke","f":"read","key":null,"value":null}',
    '{"process":2,"type":"ok","f":"read","value":true}',
  ].join('\r\n') + '\r\n',
  'lone returns': `${clientLines(5).join('\r')}\n${clientLines(3).slice(0, 2).join('\n')}`,
  'malformed in the middle': `${clientLines(10).slice(0, 7).join('\n')}\n{"process":0,"type":\n${clientLines(10).slice(8).join('\n')}\n`,
  'bad time': `${clientLines(3).join('\n')}\n{"index":99,"time":1e400,"process":9,"type":"invoke","f":"get"}\n`,
  'cut last line': `${clientLines(6).join('\n')}\n{"index":12,"process":0,"type":"inv`,
  'no final newline': clientLines(6).join('\n'),
};

for (const [name, text] of Object.entries(CASES)) {
  test(`parallel JSONL reader: ${name} reads as in one thread`, async () => {
    const file = join(directory, `${name.replaceAll(' ', '-')}.jsonl`);
    writeFileSync(file, text);
    const alone = await read(file, false);
    const inWorkers = await read(file, true);
    assert.deepEqual(inWorkers, alone);
    assert.ok(alone.events.length > 0, 'the case has events to compare');
  });
}

test('parallel JSONL reader: the shapes above reach the error and cut paths', async () => {
  const outcomes = await Promise.all(['malformed in the middle', 'bad time', 'cut last line'].map((name) => read(join(directory, `${name.replaceAll(' ', '-')}.jsonl`), true)));
  assert.match(outcomes[0]!.error ?? '', /malformed JSON/);
  assert.match(outcomes[1]!.error ?? '', /out of range/);
  assert.equal(outcomes[2]!.cuts.length, 1);
});
