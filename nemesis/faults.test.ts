import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../common/random.js';
import { clockNemesis } from './clock.js';
import { RecordingFaultControl } from './fakes.js';
import type { ClusterView } from './index.js';
import { killNemesis } from './kill.js';
import { partitionNemesis } from './partition.js';
import { pauseNemesis } from './pause.js';
import { DEFAULT_CLOCK_LIMITS } from './targets.js';

const VIEW: ClusterView = { nodes: ['n1', 'n2', 'n3', 'n4', 'n5'], leader: 'n2' };

function control(): RecordingFaultControl {
  return new RecordingFaultControl(VIEW.nodes);
}

test('nemeses declare the abilities they need and the resource they hold', () => {
  const nemeses = [
    partitionNemesis({ targets: ['halves'], customGroups: [] }),
    killNemesis({ targets: ['one'] }),
    pauseNemesis({ targets: ['one'] }),
    clockNemesis({ ...DEFAULT_CLOCK_LIMITS, changes: ['bump'] }),
  ];
  assert.deepEqual(
    nemeses.map((nemesis) => [nemesis.name, nemesis.requires.join(','), nemesis.resource]),
    [
      ['partition', 'partition', 'network'],
      ['kill', 'kill', 'process'],
      ['pause', 'pause', 'process'],
      ['clock', 'clock', 'clock'],
    ],
  );
});

test('a group partition applies its groups, records them, and stop heals', () => {
  const faults = control();
  const fault = partitionNemesis({ targets: ['isolate-leader'], customGroups: [] }).fault();
  const started = fault.start(faults, new SeededRandom(1), VIEW);
  const groups = [['n2'], ['n1', 'n3', 'n4', 'n5']];
  assert.deepEqual(started, { kind: 'partition', value: { target: 'isolate-leader', groups } });
  assert.deepEqual(faults.calls, [`partition ${JSON.stringify(groups)}`]);
  assert.deepEqual(fault.stop(faults), started);
  assert.deepEqual(faults.calls.at(-1), 'heal');
  assert.ok(faults.whole());
  assert.throws(() => fault.stop(faults), /once/);
});

test('a grudge partition cuts exactly its links, one by one', () => {
  const faults = control();
  const fault = partitionNemesis({ targets: ['majorities-ring'], customGroups: [] }).fault();
  const started = fault.start(faults, new SeededRandom(4), VIEW);
  const grudge = (started.value as { grudge: Record<string, string[]> }).grudge;
  const expected = Object.entries(grudge).flatMap(([receiver, senders]) => senders.map((sender) => `${sender}->${receiver}`));
  assert.deepEqual([...faults.cutLinks].sort(), expected.sort());
  assert.equal(faults.calls.length, expected.length);
  fault.stop(faults);
  assert.ok(faults.whole());
});

test('partition shapes too big for the cluster are skipped', () => {
  const small: ClusterView = { nodes: ['n1', 'n2'], leader: null };
  const nemesis = partitionNemesis({ targets: ['majorities-ring', 'bridge', 'halves'], customGroups: [] });
  for (let seed = 0; seed < 20; seed++) {
    const started = nemesis.fault().start(new RecordingFaultControl(small.nodes), new SeededRandom(seed), small);
    assert.equal((started.value as { target: string }).target, 'halves');
  }
});

test('kill kills its targets and stop restarts exactly those', () => {
  const faults = control();
  const fault = killNemesis({ targets: ['majority'] }).fault();
  const started = fault.start(faults, new SeededRandom(2), VIEW);
  const { target, nodes } = started.value as { target: string; nodes: string[] };
  assert.equal(target, 'majority');
  assert.equal(nodes.length, 3);
  assert.deepEqual([...faults.killed].sort(), [...nodes].sort());
  assert.deepEqual(fault.stop(faults), started);
  assert.deepEqual(faults.calls.slice(3), nodes.map((node) => `restart ${node}`));
  assert.ok(faults.whole());
});

test('pause pauses the leader and stop resumes it', () => {
  const faults = control();
  const fault = pauseNemesis({ targets: ['leader'] }).fault();
  const started = fault.start(faults, new SeededRandom(3), VIEW);
  assert.deepEqual(started, { kind: 'pause', value: { target: 'leader', nodes: ['n2'] } });
  assert.deepEqual([...faults.paused], ['n2']);
  fault.stop(faults);
  assert.deepEqual(faults.calls, ['pause n2', 'resume n2']);
});

test('a clock fault skews each chosen node and stop resets exactly those', () => {
  for (const change of ['bump', 'drift', 'strobe'] as const) {
    const faults = control();
    const fault = clockNemesis({ ...DEFAULT_CLOCK_LIMITS, changes: [change] }).fault();
    const started = fault.start(faults, new SeededRandom(5), VIEW);
    const plan = started.value as { change: string; skews: Record<string, unknown> };
    assert.equal(plan.change, change);
    assert.deepEqual(Object.fromEntries(faults.skewed), plan.skews);
    fault.stop(faults);
    assert.ok(faults.whole());
    assert.deepEqual(faults.calls.filter((call) => call.startsWith('resetClock')), Object.keys(plan.skews).map((node) => `resetClock ${node}`));
  }
});

test('a fault starts once', () => {
  const fault = killNemesis({ targets: ['one'] }).fault();
  const faults = control();
  fault.start(faults, new SeededRandom(1), VIEW);
  assert.throws(() => fault.start(faults, new SeededRandom(1), VIEW), /starts once/);
  assert.throws(() => killNemesis({ targets: ['one'] }).fault().stop(faults), /after it started/);
});
