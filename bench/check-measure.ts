/**
 * One measurement of bench:check, run in a fresh process against the build of
 * one tree (this one, or a baseline commit's), so that both are measured the
 * same way: `node check-measure.js <tree root> shared|search <file>`. Prints one
 * JSON object. Only APIs that the baseline also has are used; options it does
 * not know (firstViolation) it ignores, and then does what it did by default.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

type Operations = unknown[];
interface Modules {
  /** The baseline may not know options.parallel; it then reads in its one way. */
  readOperations(file: string, options?: object): Promise<{ operations: Operations }>;
  checkLinearizable(model: unknown, operations: Operations, options: object): { valid: unknown };
  createModel(name: string): unknown;
  checkLinearizableParallel(model: string, modelOptions: object, operations: Operations, options: object): Promise<{ valid: unknown }>;
}

async function load(root: string): Promise<Modules> {
  const from = async (path: string) => (await import(pathToFileURL(join(root, 'dist', path)).href)) as Record<string, unknown>;
  return {
    ...(await from('common/history/index.js')),
    ...(await from('checkers/linearizability/check.js')),
    ...(await from('checkers/linearizability/models/index.js')),
    ...(await from('checkers/linearizability/parallel.js')),
  } as unknown as Modules;
}

function median(values: number[]): number {
  return [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;
}

const options = (extra: object = {}) => ({ nowMs: () => performance.now(), timeoutMs: 120_000, ...extra });

/** Median ms of `rounds` timed runs after one untimed one; throws on a wrong verdict. */
function time(run: () => boolean, rounds: number): number {
  if (!run()) throw new Error('wrong verdict');
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    if (!run()) throw new Error('wrong verdict');
    times.push(performance.now() - started);
  }
  return median(times);
}

async function shared(modules: Modules, historiesDirectory: string): Promise<Record<string, number>> {
  const sets: Record<string, { operations: Operations; ok: boolean }[]> = { etcd: [], kv: [] };
  let parseMs = 0;
  for (const set of Object.keys(sets)) {
    const rows = readFileSync(join(historiesDirectory, set, 'index.tsv'), 'utf8').trim().split('\n').slice(1);
    for (const row of rows) {
      const [file, , expected] = row.split('\t') as [string, string, string];
      const started = performance.now();
      const { operations } = await modules.readOperations(join(historiesDirectory, set, file));
      parseMs += performance.now() - started;
      sets[set]!.push({ operations, ok: expected === 'ok' });
    }
  }
  const check = (model: string, list: { operations: Operations; ok: boolean }[], extra: object = {}) => () =>
    list.every(({ operations, ok }) => modules.checkLinearizable(modules.createModel(model), operations, options(extra)).valid === ok);
  const kv = (name: string) => [sets['kv']![['c01-bad', 'c01-ok', 'c10-bad', 'c10-ok', 'c50-bad', 'c50-ok'].indexOf(name)]!];
  return {
    parseSharedMs: parseMs,
    etcdMs: time(check('cas-register', sets['etcd']!), 5),
    c50OkMs: time(check('kv', kv('c50-ok')), 9),
    c50BadMs: time(check('kv', kv('c50-bad')), 9),
    c50BadFirstViolationMs: time(check('kv', kv('c50-bad'), { firstViolation: true }), 9),
  };
}

async function search(modules: Modules, file: string): Promise<Record<string, number>> {
  const parseStarted = performance.now();
  const { operations } = await modules.readOperations(file);
  const parseMs = performance.now() - parseStarted;
  const started = performance.now();
  const result = await modules.checkLinearizableParallel('kv', {}, operations, options());
  const searchMs = performance.now() - started;
  if (result.valid !== true) throw new Error(`generated history judged ${String(result.valid)}`);
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  // Last, so that its garbage does not land in the search's time.
  const oneThreadStarted = performance.now();
  await modules.readOperations(file, { parallel: { threads: 1 } });
  const parseOneThreadMs = performance.now() - oneThreadStarted;
  return { parseOneThreadMs, parseMs, searchMs, peakMiB };
}

const [root, mode, argument] = process.argv.slice(2) as [string, string, string];
const modules = await load(root);
const figures = mode === 'shared' ? await shared(modules, argument) : await search(modules, argument);
process.stdout.write(`${JSON.stringify(figures)}\n`);
