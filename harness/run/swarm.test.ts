/** Swarm runs: each seed's draw (its phases included) replays exactly from its config.json, each phase runs only its own faults, and the draw still reaches every kind. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultlineError } from '../../common/errors.js';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { FAULT_KINDS, parseNemesisSpec } from '../../nemesis/index.js';
import { readConfigFile, resolveConfig, type RunConfig } from './config.js';
import { planRun } from './plan.js';
import { phaseKinds } from './swarm.js';
import type { SwarmPhase } from '../../common/run-config.js';

const folder = temporaryDirectory('faultline-swarm-test-');

function swarmConfig(seed: number): RunConfig {
  return resolveConfig('test', seed, { nemesis: 'all', swarm: true });
}

/** As config.json stores it and --config reads it back. */
function storedAndRead(config: RunConfig, name: string): Partial<RunConfig> {
  const file = join(folder, name);
  const { version: _version, ...options } = config;
  writeFileSync(file, JSON.stringify(options));
  return readConfigFile(file);
}

test('a swarm seed replays exactly from its stored config: the same phases, the same faults at the same times', () => {
  for (const seed of [1, 2, 3]) {
    const drawn = swarmConfig(seed);
    assert.equal(drawn.swarm, 'drawn');
    assert.ok((drawn.swarmPhases ?? []).length >= 2, 'a swarm run has phases');
    const replayed = resolveConfig('test', seed, storedAndRead(drawn, `seed-${seed}.json`));
    assert.deepEqual(replayed, drawn);
    assert.deepEqual(planRun(replayed).faults, planRun(drawn).faults);
    assert.ok(planRun(drawn).faults.length > 0, 'the run has faults');
  }
  assert.ok([1, 2, 3].some((seed) => (swarmConfig(seed).swarmPhases ?? []).some((phase) => phase.compound !== undefined)), 'the seeds replayed include a compound phase');
});

test('over seeds, some phases end with a compound fault and the rest with a leader cut; each cuts a node off (a follower, or for a leader cut the leader), then loses a node, heals the cut, then brings the node back', () => {
  const configs = Array.from({ length: 10 }, (_, index) => swarmConfig(index + 1));
  const phases = configs.flatMap((config) => config.swarmPhases ?? []);
  const staleFollower = (phase: SwarmPhase): boolean => phase.compound !== undefined && phase.compoundShape === undefined;
  assert.ok(phases.some((phase) => staleFollower(phase) && phase.compound === 'kill') && phases.some((phase) => staleFollower(phase) && phase.compound === 'pause'));
  assert.ok(phases.some((phase) => phase.compoundShape === 'leader-cut'));
  // The run allows kills: a paused leader's relapse is a crash, which loses what its sync left unsynced.
  assert.deepEqual([...new Set(phases.filter((phase) => staleFollower(phase) && phase.compound === 'pause').map((phase) => phase.compoundRelapse))], ['kill']);
  assert.ok(phases.every((phase) => phase.compoundRelapse === undefined || staleFollower(phase)), 'only a stale follower\'s compound relapses');
  // Each phase allowed a partition and a kill or pause here (nemesis all): every one has a compound of one shape or the other.
  assert.deepEqual(phases.filter((phase) => phase.compound === undefined), []);
  for (const config of configs) {
    const plan = planRun(config);
    const cuts = plan.faults.filter((fault) => (fault.value as { target?: string }).target === 'isolate-follower');
    assert.equal(cuts.length, (config.swarmPhases ?? []).filter(staleFollower).length, `seed ${config.seed}: one follower cut per compound phase`);
    for (const [index, phase] of (config.swarmPhases ?? []).entries()) {
      if (phase.compound === undefined) continue;
      const [fromMs, toMs] = [plan.times.warmUpMs + index * phase.durationMs, plan.times.warmUpMs + (index + 1) * phase.durationMs];
      const inPhase = plan.faults.filter((fault) => fault.startMs >= fromMs && fault.startMs < toMs);
      const cutThenLost = inPhase.some(
        (cut) => cut.kind === 'partition' && inPhase.some((lost) => lost.kind === phase.compound && lost.startMs > cut.startMs && lost.startMs < cut.stopMs && lost.stopMs > cut.stopMs),
      );
      assert.ok(cutThenLost, `seed ${config.seed} phase ${index + 1} (${phase.compoundShape ?? 'stale-follower'}): a node lost while another is cut off, and back only after the cut heals`);
    }
  }
});

test('a compound phase whose run leaves out its leader fault is refused, naming it', () => {
  const drawn = swarmConfig(1);
  const phases = [{ durationMs: 5000, nemesis: 'partition', maxActiveFaults: 1, nemesisOptions: {}, compound: 'kill' as const }];
  assert.throws(
    () => resolveConfig('test', 1, { ...storedAndRead(drawn, 'bad-compound.json'), nemesis: 'partition', swarmPhases: phases }),
    (error: unknown) => error instanceof FaultlineError && /phase 1 uses kill, which the run's nemesis "partition" leaves out/.test(error.message),
  );
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'bad-compound-kind.json'), swarmPhases: [{ ...phases[0]!, compound: 'clock' as never }] }), /compound \(optional: kill or pause\), compoundShape/);
  const shapeRefused = /compoundShape \(optional, with a compound: stale-follower or leader-cut\)/;
  const { compound: _none, ...plain } = phases[0]!;
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'shape-alone.json'), swarmPhases: [{ ...plain, compoundShape: 'leader-cut' }] }), shapeRefused);
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'bad-shape.json'), swarmPhases: [{ ...phases[0]!, compoundShape: 'ring' as never }] }), shapeRefused);
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'bad-relapse.json'), swarmPhases: [{ ...phases[0]!, compoundRelapse: 'clock' as never }] }), /compoundRelapse \(optional, with a stale-follower compound: kill or pause\)/);
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'cut-relapse.json'), swarmPhases: [{ ...phases[0]!, compoundShape: 'leader-cut', compoundRelapse: 'kill' }] }), /compoundRelapse/);
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'relapse-alone.json'), swarmPhases: [{ ...plain, compoundRelapse: 'kill' }] }), /compoundRelapse/);
});

test('a run that allows clock faults runs each compound\'s stale side fast, and the plan shows it; without clock faults no compound touches a clock', () => {
  for (const seed of [1, 2, 3]) {
    const withClocks = swarmConfig(seed);
    const compounds = (withClocks.swarmPhases ?? []).filter((phase) => phase.compound !== undefined);
    assert.ok(compounds.length > 0 && compounds.every((phase) => phase.staleClockRate === 3), `seed ${seed}: every compound runs its stale side at rate 3`);
    const drifts = planRun(withClocks).faults.filter((fault) => fault.kind === 'clock' && Object.values((fault.value as { skews: Record<string, { rate?: number }> }).skews).every((skew) => skew.rate === 3));
    assert.equal(drifts.length, compounds.length, `seed ${seed}: one fast stale side per compound`);
    const withoutClocks = resolveConfig('test', seed, { nemesis: 'partition,kill,pause', swarm: true });
    assert.ok((withoutClocks.swarmPhases ?? []).some((phase) => phase.compound !== undefined), `seed ${seed}: compounds still drawn`);
    assert.ok((withoutClocks.swarmPhases ?? []).every((phase) => phase.staleClockRate === undefined), `seed ${seed}: no clock rate without clock faults`);
    assert.ok(planRun(withoutClocks).faults.every((fault) => fault.kind !== 'clock'), `seed ${seed}: no clock fault`);
  }
});

test('a stale clock rate needs a compound, a rate above 1 and at most 4, and clock faults in the run', () => {
  const drawn = swarmConfig(1);
  const compound = { durationMs: 5000, nemesis: 'partition', maxActiveFaults: 1, nemesisOptions: {}, compound: 'kill' as const };
  const refused = /staleClockRate \(optional, with a compound: a rate above 1, at most 4\)/;
  const { compound: _none, ...plain } = compound;
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'rate-alone.json'), swarmPhases: [{ ...plain, staleClockRate: 3 }] }), refused);
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'rate-high.json'), swarmPhases: [{ ...compound, staleClockRate: 10 }] }), refused);
  assert.throws(() => resolveConfig('test', 1, { ...storedAndRead(drawn, 'rate-slow.json'), swarmPhases: [{ ...compound, staleClockRate: 0.5 }] }), refused);
  assert.throws(
    () => resolveConfig('test', 1, { ...storedAndRead(drawn, 'rate-no-clock.json'), nemesis: 'partition,kill', swarmPhases: [{ ...compound, staleClockRate: 3 }] }),
    (error: unknown) => error instanceof FaultlineError && /phase 1 uses clock, which the run's nemesis "partition,kill" leaves out/.test(error.message),
  );
  const accepted = resolveConfig('test', 1, { ...storedAndRead(drawn, 'rate-ok.json'), nemesis: 'partition,kill,clock', swarmPhases: [{ ...compound, staleClockRate: 2 }] });
  assert.equal(accepted.swarmPhases?.[0]?.staleClockRate, 2);
});

test('each phase runs only its own kinds, and its faults end by the time the next phase begins', () => {
  for (const seed of [4, 5, 6, 7]) {
    const config = swarmConfig(seed);
    const phases = config.swarmPhases ?? [];
    const plan = planRun(config);
    for (const fault of plan.faults) {
      const offsetMs = fault.startMs - plan.times.warmUpMs;
      const index = Math.min(phases.length - 1, Math.floor(offsetMs / phases[0]!.durationMs));
      const phase = phases[index]!;
      assert.ok(phaseKinds(phase).includes(fault.kind), `seed ${seed}: a ${fault.kind} fault in phase ${index + 1} (${phase.nemesis}, compound ${phase.compound})`);
      if (index + 1 < phases.length) assert.ok(fault.stopMs - plan.times.warmUpMs <= (index + 1) * phase.durationMs, `seed ${seed}: a fault of phase ${index + 1} outlives it`);
    }
  }
});

test('over seeds, phases draw every fault kind, one kind alone and several at once', () => {
  const phases = Array.from({ length: 20 }, (_, index) => swarmConfig(index + 1).swarmPhases ?? []).flat();
  for (const kind of FAULT_KINDS) assert.ok(phases.some((phase) => parseNemesisSpec(phase.nemesis).includes(kind)), `${kind} in some phase`);
  assert.ok(phases.some((phase) => parseNemesisSpec(phase.nemesis).length === 1));
  assert.ok(phases.some((phase) => parseNemesisSpec(phase.nemesis).length >= 3));
  assert.ok(phases.some((phase) => phase.maxActiveFaults >= 2));
  assert.ok(phases.some((phase) => phase.maxActiveFaults === 1));
});

test('a phase that uses a kind the run leaves out is refused, naming it', () => {
  const drawn = swarmConfig(1);
  const phases = [{ durationMs: 5000, nemesis: 'kill', maxActiveFaults: 1, nemesisOptions: {} }];
  assert.throws(
    () => resolveConfig('test', 1, { ...storedAndRead(drawn, 'bad-phase.json'), nemesis: 'partition', swarmPhases: phases }),
    (error: unknown) => error instanceof FaultlineError && /phase 1 uses kill, which the run's nemesis "partition" leaves out/.test(error.message),
  );
});

test('a swarm run given its applied faults as a schedule runs them, not its phases: both at once are refused, and shrink drops the phases', () => {
  const drawn = swarmConfig(8);
  // A clock fault's plan names its nodes' skews, not a target rule.
  const valueOf = (fault: { kind: string; value: unknown }): Record<string, unknown> => (fault.kind === 'clock' ? (fault.value as Record<string, unknown>) : { target: (fault.value as { target: string }).target ?? 'one' });
  const schedule = planRun(drawn).faults.map((fault) => ({ atMs: fault.startMs, kind: fault.kind, durationMs: Math.max(1, fault.stopMs - fault.startMs), value: valueOf(fault) }));
  const { nemesis: _nemesis, ...stored } = storedAndRead(drawn, 'with-schedule.json');
  assert.throws(() => resolveConfig('test', 8, { ...stored, schedule }), /cannot also have swarm phases/);
  const replay = resolveConfig('test', 8, { ...stored, schedule, swarmPhases: undefined });
  assert.deepEqual(planRun(replay).faults.map((fault) => [fault.kind, fault.startMs]), schedule.map((fault) => [fault.kind, fault.atMs]));
});

test('most phases with partitions also draw the leader-minority shape, and the draw replays', () => {
  const partitionTargets = (config: RunConfig): string[][] => (config.swarmPhases ?? []).flatMap((phase) => {
    const partition = (phase.nemesisOptions as { partition?: { targets: string[] } }).partition;
    return partition === undefined ? [] : [partition.targets];
  });
  for (const nodes of [3, 7]) {
    const configs = Array.from({ length: 20 }, (_, index) => resolveConfig('test', index + 1, { nemesis: 'all', swarm: true, nodes }));
    const targets = configs.flatMap(partitionTargets);
    const withShape = targets.filter((shapes) => shapes.includes('leader-minority')).length;
    assert.ok(withShape > targets.length / 2 && withShape < targets.length, `${nodes} nodes: ${withShape} of ${targets.length} partition phases draw leader-minority`);
    for (const config of configs) assert.ok(planRun(config).faults.length > 0, `seed ${config.seed}: its phases build and plan faults`);
    assert.deepEqual(resolveConfig('test', 3, storedAndRead(configs[2]!, `nodes-${nodes}.json`)), configs[2]);
  }
});
