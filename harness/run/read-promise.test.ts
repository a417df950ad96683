/**
 * Runs judged by their read mode's promise, end to end on the simulator: a
 * sequential run whose stale reads linearizability finds is valid with them
 * shown as expected; a linearizable run with a planted bug still fails; a
 * stored run re-checked gives the same judgement from its config.json, and a
 * stored run of a system this build does not know is judged by linearizability.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveConfig, type RunConfig } from './config.js';
import { FILES, readRunConfig } from './run-store.js';
import { checkRunDirectory, runTest, type TestRunOutcome } from './execute.js';
import { readModeJudged } from './read-promise.js';
import { describeResults } from '../cli/commands/run-output.js';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const out = temporaryDirectory('faultline-read-promise-');
const LINEARIZABILITY = 'linearizability:cas-register';

async function run(overrides: Partial<RunConfig>, seed: number): Promise<TestRunOutcome> {
  return runTest(resolveConfig('test', seed, { out, system: 'coordinator-zab', nemesis: 'partition', timeLimitSeconds: 12, ...overrides }), new Date(), () => {});
}

/** The first of a few seeds whose sequential run has stale reads (linearizability fails): they are common under partitions. */
async function sequentialRunWithStaleReads(): Promise<TestRunOutcome> {
  const tried: string[] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const outcome = await run({ readMode: 'sequential' }, seed);
    if (outcome.results.checkers[LINEARIZABILITY]?.valid === false) return outcome;
    tried.push(`seed ${seed}: ${String(outcome.results.checkers[LINEARIZABILITY]?.valid)}`);
  }
  assert.fail(`no seed gave stale reads under read mode sequential: ${tried.join(', ')}`);
}

test('a sequential run is valid while linearizability finds stale reads, shown as expected', async () => {
  const outcome = await sequentialRunWithStaleReads();
  const { results } = outcome;
  const linearizability = results.checkers[LINEARIZABILITY]!;
  assert.equal(linearizability.expectedUnder, 'sequential');
  assert.equal(results.checkers['sequential-reads']?.valid, true, JSON.stringify(results.checkers['sequential-reads']));
  assert.ok(Number(results.checkers['sequential-reads']?.stats.reads) > 100);
  assert.equal(results.checkers['written-values']?.valid, true);
  assert.equal(results.valid, true, JSON.stringify(results.checkers, null, 1).slice(0, 2000));
  assert.deepEqual(results.readMode, readModeJudged(outcome.config));
  const stored = JSON.parse(readFileSync(join(outcome.directory, FILES.results), 'utf8')) as typeof results;
  assert.equal(stored.checkers[LINEARIZABILITY]?.expectedUnder, 'sequential');
  const line = describeResults('heading', results, outcome.directory);
  assert.match(line, /read mode sequential promises sequential: register reads judged by written-values and sequential-reads/);
  assert.match(line, /linearizability:cas-register +VIOLATION \(not counted\) +stale reads: expected under read mode sequential/);
  assert.match(line, /verdict: valid/);
  const report = readFileSync(join(outcome.directory, 'report.html'), 'utf8');
  assert.match(report, /<h2>Expected under read mode sequential<\/h2>/);
  assert.doesNotMatch(report, /<h2>What went wrong<\/h2>/);

  // faultline check <run>: the same judgement from config.json.
  const again = await checkRunDirectory(outcome.directory, readRunConfig(outcome.directory));
  assert.equal(again.valid, true);
  assert.equal(again.checkers[LINEARIZABILITY]?.expectedUnder, 'sequential');

  // A system this build does not know: judged by linearizability, and said so.
  const configFile = join(outcome.directory, FILES.config);
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), system: 'someones-own-store' }));
  const unknown = await checkRunDirectory(outcome.directory, readRunConfig(outcome.directory));
  assert.equal(unknown.readMode?.promises, 'linearizable');
  assert.match(unknown.readMode?.note ?? '', /"someones-own-store" is unknown to this faultline.*judged by linearizability/);
  assert.equal(unknown.checkers[LINEARIZABILITY]?.expectedUnder, undefined);
  assert.equal(unknown.valid, false);
});

test('a linearizable run with a planted stale-read bug still fails, by linearizability', async () => {
  const outcome = await run({ readMode: 'linearizable', bugs: ['follower-local-read'], timeLimitSeconds: 20 }, 1);
  const linearizability = outcome.results.checkers[LINEARIZABILITY]!;
  assert.equal(linearizability.valid, false);
  assert.equal(linearizability.expectedUnder, undefined);
  assert.equal(outcome.results.checkers['sequential-reads'], undefined, 'a linearizable mode is judged by linearizability alone');
  assert.equal(outcome.results.valid, false);
  const report = readFileSync(join(outcome.directory, 'report.html'), 'utf8');
  assert.match(report, /<h2>What went wrong<\/h2>/);
});
