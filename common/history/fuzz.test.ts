/**
 * Whatever bytes a history file holds, the readers either succeed or throw a
 * HistoryError: never a raw TypeError or RangeError, never a hang. Seeded, so a
 * failure replays; the seed and iteration are in the assertion message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HistoryError } from '../errors.js';
import { readEdnBatches } from './edn.js';
import { collect, eventToEdn, mulberry32, SHARED_HISTORIES, temporaryDirectory } from './fixtures.js';
import { readOperations } from './read.js';
import type { HistoryEvent } from './types.js';

/** Override to replay a failure or to fuzz longer: FAULTLINE_FUZZ_SEED, FAULTLINE_FUZZ_ITERATIONS. */
const SEED = Number(process.env['FAULTLINE_FUZZ_SEED'] ?? 20240611);
const ITERATIONS = Number(process.env['FAULTLINE_FUZZ_ITERATIONS'] ?? 150);
const FUZZ_TIMEOUT_MS = 30_000 + ITERATIONS * 200;
const files = temporaryDirectory();
after(() => files.remove());

/** Characters that matter to the three syntaxes, plus some that should not. */
const ALPHABET = '{}[]()":;#_\\,\n\r\t 0123456789-+./NMeEunilstrfa:{}[]"\'`~^@é🙂\u0000\ufeff';

function jsonlEvents(set: string, file: string): HistoryEvent[] {
  return readFileSync(join(SHARED_HISTORIES, set, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as HistoryEvent);
}

const etcdJsonl = readFileSync(join(SHARED_HISTORIES, 'etcd', 'etcd_000.jsonl'), 'utf8');
const kvJsonl = readFileSync(join(SHARED_HISTORIES, 'kv', 'c01-ok.jsonl'), 'utf8');
const etcdEdn = `; etcd_000 as a Jepsen history\n[${jsonlEvents('etcd', 'etcd_000.jsonl').map((event) => eventToEdn(event)).join('\n ')}]\n`;
const kvEdn = jsonlEvents('kv', 'c01-ok.jsonl')
  .map((event, index) => (index % 3 === 0
    ? eventToEdn(event, true).replace(/:value \[("[^"]*") ("[^"]*")\]/, ':value #jepsen.independent.Tuple{:key $1 :value $2}')
    : eventToEdn(event, true)))
  .join('\n');
const etcdLog = jsonlEvents('etcd', 'etcd_000.jsonl')
  .map((event) => `INFO  jepsen.util - ${event.process}\t:${event.type}\t:${event.f}\t${event.error === undefined ? JSON.stringify(event.value).replace(/,/g, ' ').replace('null', 'nil') : `:${String(event.error)}`}`)
  .join('\n');

const SOURCES: ReadonlyArray<[string, string]> = [
  ['etcd.jsonl', etcdJsonl],
  ['kv.jsonl', kvJsonl],
  ['etcd.edn', etcdEdn],
  ['kv.edn', kvEdn],
  ['etcd.log', etcdLog],
];

/** Runs the reader; anything thrown must be a HistoryError. */
async function survives(label: string, read: () => Promise<unknown>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (error instanceof HistoryError) return;
    assert.fail(`${label}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

function readAll(path: string): Promise<unknown> {
  return readOperations(path);
}

describe('history readers under fuzzing', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('the unmutated sources read cleanly', async () => {
    for (const [name, text] of SOURCES) {
      const { events } = await readOperations(files.write(name, text));
      assert.ok(events >= 100, name);
    }
  });

  it('random bytes', async () => {
    const random = mulberry32(SEED);
    const extensions = ['.jsonl', '.edn', '.log', '.bin'];
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const bytes = Buffer.alloc(Math.floor(random() * 400));
      for (let position = 0; position < bytes.length; position++) {
        // Half the time stay within the syntax characters, so parsing gets deep.
        bytes[position] = random() < 0.5 ? Math.floor(random() * 256) : ALPHABET.charCodeAt(Math.floor(random() * 40));
      }
      const extension = extensions[iteration % extensions.length] ?? '.bin';
      const path = files.write(`bytes-${iteration}${extension}`, bytes.toString('latin1'));
      await survives(`seed ${SEED} bytes ${iteration}`, () => readAll(path));
    }
  });

  it('random truncations of valid files', async () => {
    const random = mulberry32(SEED + 1);
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const [name, text] = SOURCES[iteration % SOURCES.length]!;
      const bytes = Buffer.from(text, 'utf8');
      const path = files.write(`cut-${iteration}-${name}`, bytes.subarray(0, Math.floor(random() * bytes.length)).toString('latin1'));
      await survives(`seed ${SEED + 1} truncation ${iteration} of ${name}`, () => readAll(path));
    }
  });

  it('random single-character mutations', async () => {
    const random = mulberry32(SEED + 2);
    for (let iteration = 0; iteration < ITERATIONS * 2; iteration++) {
      const [name, text] = SOURCES[iteration % SOURCES.length]!;
      const position = Math.floor(random() * text.length);
      const replacement = random() < 0.2 ? '' : ALPHABET.charAt(Math.floor(random() * ALPHABET.length));
      const mutated = text.slice(0, position) + replacement + text.slice(position + 1);
      const path = files.write(`mutated-${iteration}-${name}`, mutated);
      await survives(`seed ${SEED + 2} mutation ${iteration} of ${name} at ${position}`, () => readAll(path));
    }
  });

  it('EDN across tiny chunks, truncated and mutated', async () => {
    const random = mulberry32(SEED + 3);
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const text = iteration % 2 === 0 ? etcdEdn : kvEdn;
      const position = Math.floor(random() * text.length);
      const mutated = text.slice(0, position) + ALPHABET.charAt(Math.floor(random() * ALPHABET.length)) + text.slice(position + 1, random() < 0.5 ? text.length : position + 200);
      const path = files.write(`chunked-${iteration}.edn`, mutated);
      const chunkSizeBytes = 8 + Math.floor(random() * 64);
      await survives(`seed ${SEED + 3} chunked ${iteration}`, () => collect(readEdnBatches(path, { chunkSizeBytes })));
    }
  });

  it('deep nesting is an error, not a stack overflow', async () => {
    for (const [name, text] of [
      ['deep.edn', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['deep-map.edn', `{:process 0 :type :invoke :f :read :value ${'{:a '.repeat(20_000)}1${'}'.repeat(20_000)}}`],
      ['deep.jsonl', `{"process":0,"type":"invoke","f":"read","value":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
      ['deep.log', `INFO jepsen.util - 0 :invoke :read ${'('.repeat(100_000)}`],
    ] as const) {
      await survives(name, () => readAll(files.write(name, text)));
    }
  });
});
