/** Shrinking: the search keeps exactly what the failure needs, within its bounds; a simulated bug run shrinks to a tenth of its operations and at most two faults. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunConfig, ScheduledFaultData } from '../../common/run-config.js';
import { resolveConfig } from './config.js';
import { FILES } from './run-store.js';
import { shrinkRun, type ShrinkBounds, type Trial } from './shrink.js';
import { shrinkStoredRun } from './shrink-run.js';
import { runTest } from './execute.js';
import { simRun } from './testing/sim-runs.js';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { checkSchedule } from '../../nemesis/index.js';

const fault = (atMs: number, node: string): ScheduledFaultData => ({ atMs, kind: 'kill', durationMs: 500, value: { target: 'one', nodes: [node] } });

function bounds(overrides: Partial<ShrinkBounds> = {}): ShrinkBounds {
  return { maxRuns: 500, timeBudgetMs: 60_000, nowMs: () => 0, stopped: () => false, progress: () => {}, otherSeeds: 0, deterministic: true, ...overrides };
}

/** A stand-in for a run: it fails when the kill of n3 at 6 s is in the schedule, with at least 2 workers. */
function fakeAttempt(config: RunConfig): Promise<Trial> {
  const needed = (config.schedule ?? []).some((entry) => entry.atMs === 6000) && config.concurrency >= 2;
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs: 6600, directory: '' });
}

test('the search keeps exactly the fault and the load the failure needs', async () => {
  const schedule = [fault(3000, 'n1'), fault(4000, 'n2'), fault(6000, 'n3'), fault(8000, 'n1'), fault(12_000, 'n2')];
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: schedule };
  const result = await shrinkRun(config, ['linearizability'], fakeAttempt, () => {}, bounds());
  assert.equal(result.notReproduced, undefined);
  const kept = result.smallest?.config.schedule ?? [];
  assert.deepEqual(kept.map((entry) => ({ ...entry, durationMs: 500 })), [fault(6000, 'n3')]);
  assert.ok((kept[0]?.durationMs ?? 0) <= 500, 'a fault may only get shorter');
  assert.equal(result.smallest?.config.concurrency, 2);
  assert.equal(result.smallest?.config.nemesis, 'kill');
  assert.ok(result.smallest!.config.timeLimitSeconds <= 6, `time limit ${result.smallest?.config.timeLimitSeconds}`);
  assert.equal(result.stoppedBecause, undefined);
  // Load steps go in sweeps: starting over from the first step after each change took 91 runs here.
  assert.ok(result.runs <= 50, `${result.runs} runs`);
});

/** A race the fault needs, as a stand-in: the full load fails at the original seed 1, a lighter one only at seeds divisible by 3. */
function racyAttempt(config: RunConfig): Promise<Trial> {
  const needed = (config.schedule ?? []).some((entry) => entry.atMs === 6000) && (config.concurrency === 10 || config.seed % 3 === 0);
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs: 6600, directory: '' });
}

test('once the kept seed is exhausted, candidates are tried at other seeds: a lighter load that loses the race at one seed wins it at another', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [fault(3000, 'n1'), fault(6000, 'n3')] };
  const stuck = await shrinkRun(config, ['linearizability'], racyAttempt, () => {}, bounds());
  assert.equal(stuck.smallest?.config.concurrency, 10, 'at seed 1 alone no lighter load fails');
  const reseeded = await shrinkRun(config, ['linearizability'], racyAttempt, () => {}, bounds({ otherSeeds: 2 }));
  assert.equal(reseeded.smallest?.config.concurrency, 1);
  assert.equal(reseeded.smallest?.config.seed, 3);
  assert.ok(reseeded.steps.some((step) => step.endsWith('(seed 3)')), reseeded.steps.join('; '));
  assert.equal((await racyAttempt(reseeded.smallest!.config)).violated.length, 1, 'the kept config fails as kept');
});

/** The n1 kill at 3 s is only needed at the kept seed 1: under the full load the n3 kill alone fails at seed 2, and a lighter load fails only at seed 1 with both. */
function raceAtDropAttempt(config: RunConfig): Promise<Trial> {
  const schedule = config.schedule ?? [];
  const both = schedule.some((entry) => entry.atMs === 3000);
  const needed = schedule.some((entry) => entry.atMs === 6000) && (both ? config.concurrency === 10 || config.seed === 1 : config.concurrency === 10 && config.seed === 2);
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs: 6600, directory: '' });
}

test('a fault the failure does not need is dropped at another seed while the load is still heavy, and no config runs twice on the simulator', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [fault(3000, 'n1'), fault(6000, 'n3')] };
  const ran: string[] = [];
  const attempt = (candidate: RunConfig): Promise<Trial> => {
    ran.push(JSON.stringify(candidate));
    return raceAtDropAttempt(candidate);
  };
  const result = await shrinkRun(config, ['linearizability'], attempt, () => {}, bounds({ otherSeeds: 2 }));
  assert.deepEqual(result.smallest?.config.schedule?.map((entry) => entry.atMs), [6000], result.steps.join('; '));
  assert.equal(result.smallest?.config.seed, 2);
  assert.equal(new Set(ran).size, ran.length, 'a config that passed is not run again');
});

/** The lighter load fails only at seed 5, where the full load fails too (as at seed 1, and no other). */
function favouredSeedAttempt(config: RunConfig): Promise<Trial> {
  const needed = (config.schedule ?? []).some((entry) => entry.atMs === 6000) && (config.seed === 5 || (config.concurrency === 10 && config.seed === 1));
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs: 6600, directory: '' });
}

test('other seeds are first those where the kept run fails too', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [fault(6000, 'n3')] };
  const result = await shrinkRun(config, ['linearizability'], favouredSeedAttempt, () => {}, bounds({ otherSeeds: 2 }));
  assert.equal(result.smallest?.config.seed, 5, result.steps.join('; '));
  assert.equal(result.smallest?.config.concurrency, 1);
});

/** The violation shows 2.3 s after the kill of n3 starts, wherever it moved; the run must last until that operation returns. */
function lateViolationAttempt(config: RunConfig): Promise<Trial> {
  const kill = (config.schedule ?? []).find((entry) => JSON.stringify(entry.value).includes('n3'));
  const violationMs = kill === undefined ? Infinity : kill.atMs + 2300;
  const needed = (config.warmupSeconds + config.timeLimitSeconds) * 1000 >= violationMs + 50;
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs, directory: '' });
}

test('as a last step the run ends a tenth of a second after its first violation', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [fault(3000, 'n1'), fault(6000, 'n3')] };
  const result = await shrinkRun(config, ['linearizability'], lateViolationAttempt, () => {}, bounds());
  const kept = result.smallest!.config;
  assert.equal(kept.schedule?.length, 1);
  const violationMs = kept.schedule![0]!.atMs + 2300;
  assert.equal(kept.warmupSeconds * 1000 + kept.timeLimitSeconds * 1000, Math.ceil((violationMs + 100) / 100) * 100, `${kept.warmupSeconds} s + ${kept.timeLimitSeconds} s: ${result.steps.join('; ')}`);
});

test('the search stops at its bounds and keeps the smallest failing run so far; a run that does not fail again is said to', async () => {
  const config = { ...resolveConfig('test', 1, {}), faultSchedule: [fault(3000, 'n1'), fault(6000, 'n3')] };
  const limited = await shrinkRun(config, ['linearizability'], fakeAttempt, () => {}, bounds({ maxRuns: 3 }));
  assert.equal(limited.runs, 3);
  assert.match(limited.stoppedBecause ?? '', /3 runs tried \(--max-runs\)/);
  assert.ok(limited.smallest !== undefined);
  let stop = false;
  const interrupted = await shrinkRun(config, ['linearizability'], async (candidate) => {
    stop = true;
    return fakeAttempt(candidate);
  }, () => {}, bounds({ stopped: () => stop }));
  assert.equal(interrupted.runs, 1);
  assert.match(interrupted.stoppedBecause ?? '', /stopped by the user/);
  const other = await shrinkRun(config, ['sequence'], fakeAttempt, () => {}, bounds());
  assert.equal(other.notReproduced, true);
});

test('a simulated bug run shrinks to at most a tenth of its operations and two faults; the original is untouched and the shrunk run fails again', async () => {
  let failing;
  for (let seed = 1; seed <= 8 && failing === undefined; seed++) {
    const outcome = await simRun(seed, { system: 'coordinator-zab', bugs: ['minority-commit'], timeLimitSeconds: 20, warmupSeconds: 2, recoverySeconds: 5 });
    if (outcome.results.valid === false) failing = outcome;
  }
  assert.ok(failing !== undefined, 'minority-commit was caught on one of seeds 1-8');
  const history = readFileSync(join(failing.directory, FILES.history), 'utf8');
  const outcome = await shrinkStoredRun(failing.directory, { maxRuns: 200, timeBudgetMs: 120_000, tries: 1, stopped: () => false, progress: () => {} });
  assert.ok(outcome.shrunk !== undefined, JSON.stringify(outcome));
  assert.ok(outcome.shrunk.operations * 10 <= outcome.original.operations, `${outcome.shrunk.operations} of ${outcome.original.operations} ops`);
  assert.ok(outcome.shrunk.faults <= 2, `${outcome.shrunk.faults} faults`);
  assert.equal(readFileSync(join(failing.directory, FILES.history), 'utf8'), history, 'the original run is untouched');
  const stored = JSON.parse(readFileSync(join(outcome.shrunk.directory, FILES.config), 'utf8')) as RunConfig;
  assert.equal(stored.shrunkFrom?.operations, outcome.original.operations);
  assert.match(readFileSync(join(outcome.shrunk.directory, FILES.report), 'utf8'), /shrunk from/);
  const again = await simRun(stored.seed, { ...stored, version: undefined, out: undefined, runtime: undefined, shrunkFrom: undefined, faultSchedule: undefined, versions: undefined } as never);
  assert.equal(again.results.valid, false, 'the shrunk config fails again');
});

test('on the simulator, a bug that needs a race keeps at most two faults: lock-skips-lease-check on ZAB (three when fault drops were tried at the kept seed only)', async () => {
  const out = temporaryDirectory('faultline-shrink-race-');
  const settings: Partial<RunConfig> = { system: 'coordinator-zab', workload: 'lock', nemesis: 'partition', bugs: ['lock-skips-lease-check'], timeLimitSeconds: 30, runtime: 'sim', out };
  const caught = await runTest(resolveConfig('bench', 1, settings), new Date(), () => {}, undefined, { drawReport: false });
  assert.equal(caught.results.valid, false, 'seed 1 catches the bug (as bench:shrink finds)');
  const outcome = await shrinkStoredRun(caught.directory, { maxRuns: 200, timeBudgetMs: 120_000, tries: 1, stopped: () => false, progress: () => {} });
  assert.ok(outcome.shrunk !== undefined, JSON.stringify(outcome));
  assert.ok(outcome.shrunk.faults <= 2, `${outcome.shrunk.faults} faults: ${outcome.steps.join('; ')}`);
  // The tenth of the operations is bench:shrink's goal over every bug; here it must at least have shrunk a lot.
  assert.ok(outcome.shrunk.operations * 5 <= outcome.original.operations, `${outcome.shrunk.operations} of ${outcome.original.operations} ops`);
});

test('a swarm run shrinks over the faults it applied: no candidate keeps its swarm phases, and each replays from its own config', async () => {
  const drawn = resolveConfig('test', 1, { nemesis: 'all', swarm: true, timeLimitSeconds: 15 });
  assert.ok(drawn.swarmPhases !== undefined, 'a swarm run has phases');
  const config = { ...drawn, faultSchedule: [fault(3000, 'n1'), fault(6000, 'n3')] };
  const candidates: RunConfig[] = [];
  await shrinkRun(config, ['linearizability'], (candidate) => {
    candidates.push(candidate);
    return fakeAttempt(candidate);
  }, () => {}, bounds({ maxRuns: 5 }));
  assert.ok(candidates.length > 0);
  for (const candidate of candidates) {
    assert.equal(candidate.swarmPhases, undefined);
    const { version: _version, ...stored } = JSON.parse(JSON.stringify(candidate)) as RunConfig;
    assert.deepEqual(resolveConfig('test', candidate.seed, stored).schedule, candidate.schedule);
  }
});

test('a shrink candidate is judged without drawing its report, which only the kept run gets', async () => {
  const out = temporaryDirectory('faultline-shrink-candidate-');
  const config = resolveConfig('test', 1, { runtime: 'sim', timeLimitSeconds: 1, warmupSeconds: 0, recoverySeconds: 0, out });
  const candidate = await runTest(config, new Date(), () => {}, undefined, { drawReport: false });
  assert.ok(existsSync(join(candidate.directory, FILES.results)));
  assert.ok(!existsSync(join(candidate.directory, FILES.report)));
  const ordinary = await runTest(config, new Date(), () => {});
  assert.ok(existsSync(join(ordinary.directory, FILES.report)));
});

/** The bug shows without faults at the full load (10 workers), and with the kill of n3 (whenever it comes) at any load of 2 workers or more. */
function loadOrFaultAttempt(config: RunConfig): Promise<Trial> {
  const killsN3 = (config.schedule ?? []).some((entry) => JSON.stringify(entry.value).includes('"n3"'));
  const withFault = killsN3 && config.concurrency >= 2;
  const needed = withFault || config.concurrency === 10;
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * 100, violationMs: 6600, directory: `${config.concurrency}` });
}

test('a search that ends without faults goes on once from the last run with faults, and keeps the smaller run', async () => {
  const schedule = [fault(3000, 'n1'), fault(6000, 'n3'), fault(8000, 'n1')];
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: schedule };
  const discarded: Trial[] = [];
  const result = await shrinkRun(config, ['linearizability'], loadOrFaultAttempt, (trial) => discarded.push(trial), bounds());
  const kept = result.smallest!;
  assert.deepEqual((kept.config.schedule ?? []).map((entry) => entry.value), [{ target: 'one', nodes: ['n3'] }], result.steps.join('; '));
  assert.equal(kept.config.concurrency, 2);
  assert.ok(!discarded.includes(kept.trial), 'the kept run is not discarded');
  assert.ok(result.steps.includes('no faults at all') === false, `the steps are those to the kept run: ${result.steps.join('; ')}`);
});

/** The operation that shows the violation is invoked by 5 s and returns at 9 s: the run must last until 5 s, not 9. */
function invokedEarlyAttempt(config: RunConfig): Promise<Trial> {
  const needed = config.warmupSeconds + config.timeLimitSeconds >= 5;
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * (config.warmupSeconds + config.timeLimitSeconds) * 10, violationMs: 9000, directory: '' });
}

test('a run without faults is cut between a second and its length, not only to a second: the operation that shows the violation need only be invoked', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [] };
  const result = await shrinkRun(config, ['linearizability'], invokedEarlyAttempt, () => {}, bounds());
  const kept = result.smallest!.config;
  const endSeconds = kept.warmupSeconds + kept.timeLimitSeconds;
  assert.ok(endSeconds >= 5 && endSeconds <= 6, `the run ends at ${endSeconds} s: ${result.steps.join('; ')}`);
});

/** The kill of n3 must come after the kill of n1 has ended, however long after; the violation shows 300 ms after it. */
function sequenceAttempt(config: RunConfig): Promise<Trial> {
  const schedule = config.schedule ?? [];
  const first = schedule.find((entry) => JSON.stringify(entry.value).includes('"n1"'));
  const second = schedule.find((entry) => JSON.stringify(entry.value).includes('"n3"'));
  const needed = first !== undefined && second !== undefined && second.atMs >= first.atMs + first.durationMs;
  const violationMs = second === undefined ? 0 : second.atMs + 300;
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * (config.warmupSeconds + config.timeLimitSeconds) * 10, violationMs, directory: '' });
}

test('the quiet gap before each fault is closed, not only the one before the first, and no candidate overlaps two faults on one resource', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [fault(3000, 'n1'), fault(9000, 'n3')] };
  const candidates: RunConfig[] = [];
  const result = await shrinkRun(config, ['linearizability'], (candidate) => {
    candidates.push(candidate);
    return sequenceAttempt(candidate);
  }, () => {}, bounds());
  const [first, second] = result.smallest!.config.schedule!;
  assert.ok(second!.atMs - (first!.atMs + first!.durationMs) <= 1000, `the n3 kill starts ${second!.atMs - first!.atMs - first!.durationMs} ms after the n1 kill ends: ${result.steps.join('; ')}`);
  for (const candidate of candidates) {
    const window = { nodes: ['n1', 'n2', 'n3'], fromMs: candidate.warmupSeconds * 1000, untilMs: (candidate.warmupSeconds + candidate.timeLimitSeconds) * 1000 };
    assert.doesNotThrow(() => checkSchedule(candidate.schedule ?? [], window), JSON.stringify(candidate.schedule));
  }
});

/** At seed 1 the failure needs the kills of n2, n3 and n4; at seed 2 those of n1 and n2 suffice. */
function seedDependentFaultsAttempt(config: RunConfig): Promise<Trial> {
  const killed = new Set((config.schedule ?? []).flatMap((entry) => (entry.value as { nodes: string[] }).nodes));
  const needed = config.seed === 1 ? ['n2', 'n3', 'n4'].every((node) => killed.has(node)) : config.seed === 2 && ['n1', 'n2'].every((node) => killed.has(node));
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs: 9000, directory: '' });
}

test('a fault drop that halves the faults is tried at other seeds before a larger subset at the kept seed', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15, nodes: 5 }), faultSchedule: [fault(3000, 'n1'), fault(4000, 'n2'), fault(6000, 'n3'), fault(8000, 'n4')] };
  const result = await shrinkRun(config, ['linearizability'], seedDependentFaultsAttempt, () => {}, bounds({ otherSeeds: 2 }));
  const kept = result.smallest!.config;
  assert.deepEqual((kept.schedule ?? []).map((entry) => (entry.value as { nodes: string[] }).nodes[0]), ['n1', 'n2'], result.steps.join('; '));
  assert.equal(kept.seed, 2);
});

/** The kill of n2 alone fails at seed 1, the kill of n1 alone at seed 2. */
function eitherFaultAttempt(config: RunConfig): Promise<Trial> {
  const killed = new Set((config.schedule ?? []).flatMap((entry) => (entry.value as { nodes: string[] }).nodes));
  const needed = killed.has(config.seed === 1 ? 'n2' : config.seed === 2 ? 'n1' : 'none');
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs: 9000, directory: '' });
}

test('each fault drop that halves the faults is tried at the kept seed before any at other seeds', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [fault(3000, 'n1'), fault(6000, 'n2')] };
  const result = await shrinkRun(config, ['linearizability'], eitherFaultAttempt, () => {}, bounds({ otherSeeds: 2 }));
  assert.equal(result.smallest!.config.seed, 1, result.steps.join('; '));
  assert.deepEqual(result.smallest!.config.schedule!.map((entry) => (entry.value as { nodes: string[] }).nodes[0]), ['n2']);
});

/** The kill of n1 must outlast 2 s (a timeout), that of n3 need not; the violation shows 300 ms after the n3 kill ends. */
function oneLongFaultAttempt(config: RunConfig): Promise<Trial> {
  const schedule = config.schedule ?? [];
  const first = schedule.find((entry) => JSON.stringify(entry.value).includes('"n1"'));
  const second = schedule.find((entry) => JSON.stringify(entry.value).includes('"n3"'));
  const needed = first !== undefined && second !== undefined && first.durationMs >= 2000;
  return Promise.resolve({ violated: needed ? ['linearizability'] : [], operations: config.concurrency * config.timeLimitSeconds * 10, violationMs: (second === undefined ? 0 : second.atMs + second.durationMs) + 300, directory: '' });
}

test('each fault is also shortened alone: one that must outlast a timeout keeps its length, the other shrinks', async () => {
  const long = (atMs: number, node: string): ScheduledFaultData => ({ ...fault(atMs, node), durationMs: 3000 });
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [long(3000, 'n1'), long(7000, 'n3')] };
  const result = await shrinkRun(config, ['linearizability'], oneLongFaultAttempt, () => {}, bounds());
  const [first, second] = result.smallest!.config.schedule!;
  assert.ok(first!.durationMs >= 2000 && second!.durationMs <= 1000, `${first!.durationMs} ms and ${second!.durationMs} ms: ${result.steps.join('; ')}`);
});

test('on a real runtime (no other seeds, nothing cached) a fault drop that halves the faults runs once per pass, not twice', async () => {
  const config = { ...resolveConfig('test', 1, { concurrency: 10, timeLimitSeconds: 15 }), faultSchedule: [fault(3000, 'n1'), fault(6000, 'n3')] };
  const ran: string[] = [];
  const attempt = (candidate: RunConfig): Promise<Trial> => {
    ran.push(JSON.stringify(candidate));
    // Both faults are needed: every drop passes.
    const both = (candidate.schedule ?? []).length === 2;
    return Promise.resolve({ violated: both ? ['linearizability'] : [], operations: candidate.concurrency * candidate.timeLimitSeconds * 10, violationMs: 6600, directory: '' });
  };
  await shrinkRun(config, ['linearizability'], attempt, () => {}, bounds({ deterministic: false }));
  // Each halving drop was also tried again as if at other seeds, the same run twice over: 16 runs of 4 single-fault configs.
  const drops = ran.filter((candidate) => (JSON.parse(candidate) as RunConfig).schedule?.length === 1);
  assert.ok(drops.length <= 8, `${drops.length} runs of ${new Set(drops).size} single-fault configs`);
});
