import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../common/errors.js';
import { SeededRandom } from '../common/random.js';
import type { FaultAbility } from '../harness/runtimes/index.js';
import { RecordingFaultControl } from './fakes.js';
import { checkAbilities, createNemeses, createSchedule, parseNemesisSpec, type NemesisOptions } from './spec.js';

const NODES = ['n1', 'n2', 'n3'];

function usageError(pattern: RegExp, where?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    assert.match(error.describe(), pattern);
    if (where !== undefined) assert.equal(error.where, where);
    return true;
  };
}

test('the nemesis spec: none, all, one, or a comma list', () => {
  assert.deepEqual(parseNemesisSpec('none'), []);
  assert.deepEqual(parseNemesisSpec('all'), ['partition', 'kill', 'pause', 'clock']);
  assert.deepEqual(parseNemesisSpec('clock'), ['clock']);
  assert.deepEqual(parseNemesisSpec('partition, kill,partition'), ['partition', 'kill']);
});

test('a bad spec is a UsageError naming the valid choices', () => {
  const choices = /none, partition, kill, pause, clock, all/;
  assert.throws(() => parseNemesisSpec('partitoin'), usageError(/unknown nemesis "partitoin"/, '--nemesis'));
  assert.throws(() => parseNemesisSpec('partitoin'), usageError(choices));
  assert.throws(() => parseNemesisSpec('kill,,pause'), usageError(/empty nemesis name/));
  assert.throws(() => parseNemesisSpec(''), usageError(/empty nemesis name/));
  assert.throws(() => parseNemesisSpec('none,kill'), usageError(/"none" cannot be combined/));
  assert.throws(() => parseNemesisSpec('all,kill'), usageError(/"all" cannot be combined/));
});

test('nemesis options are checked with clear messages', () => {
  const bad: [NemesisOptions, RegExp][] = [
    [{ partition: { targets: ['halfs' as never] } }, /unknown choice "halfs".*\n.*choose from: isolate-one/],
    [{ partition: { targets: [] } }, /non-empty list/],
    [{ partition: { targets: ['custom'] } }, /needs customGroups/],
    [{ partition: { customGroups: [['n1'], ['n9']] } }, /no node "n9"/],
    [{ partition: { customGroups: [['n1'], ['n1', 'n2']] } }, /"n1" is in two groups/],
    [{ partition: { customGroups: [['n1', 'n2']] } }, /two or more groups/],
    [{ kill: { targets: ['everyone' as never] } }, /unknown choice "everyone"/],
    [{ clock: { maxDriftRatio: 2 } }, /clock.maxDriftRatio: must be a number from 0.0001 to 0.99/],
    [{ clock: { changes: ['warp' as never] } }, /choose from: bump, drift, strobe/],
  ];
  for (const [options, pattern] of bad) assert.throws(() => createNemeses(['partition', 'kill', 'pause', 'clock'], NODES, options), usageError(pattern));
  assert.throws(() => createNemeses(['partition'], ['n1']), usageError(/at least 2 nodes/, '--nodes'));
});

test('the default partition shapes leave out leader-minority (so default seeds draw as before); naming it draws it', () => {
  const view = { nodes: ['n1', 'n2', 'n3', 'n4', 'n5'], leader: 'n4' };
  const [byDefault] = createNemeses(['partition'], view.nodes);
  const [named] = createNemeses(['partition'], view.nodes, { partition: { targets: ['leader-minority'] } });
  const targets = (nemesis: typeof named, seed: number): string => (nemesis?.fault().start(new RecordingFaultControl(view.nodes), new SeededRandom(seed), view).value as { target: string }).target;
  const defaultTargets = new Set(Array.from({ length: 60 }, (_, seed) => targets(byDefault, seed)));
  assert.deepEqual([...defaultTargets].sort(), ['bridge', 'halves', 'isolate-leader', 'isolate-one', 'majorities-ring', 'one-way']);
  assert.equal(targets(named, 1), 'leader-minority');
});

test('custom groups alone make the partition nemesis use exactly them', () => {
  const [partition] = createNemeses(['partition'], NODES, { partition: { customGroups: [['n3'], ['n1', 'n2']] } });
  const control = new RecordingFaultControl(NODES);
  const description = partition?.fault().start(control, new SeededRandom(1), { nodes: NODES, leader: null });
  assert.deepEqual(description?.value, { target: 'custom', groups: [['n3'], ['n1', 'n2']] });
  assert.deepEqual(control.calls, ['partition [["n3"],["n1","n2"]]']);
});

test('the runtime must be able to do every chosen fault', () => {
  const partitionOnly = new Set<FaultAbility>(['partition']);
  assert.doesNotThrow(() => checkAbilities(createNemeses(['partition'], NODES), partitionOnly, 'docker'));
  assert.throws(
    () => checkAbilities(createNemeses(['partition', 'clock'], NODES), partitionOnly, 'docker'),
    usageError(/the clock nemesis needs "clock", which docker cannot do\n.*docker can do: partition/, '--nemesis'),
  );
  assert.throws(() => checkAbilities(createNemeses(['kill'], NODES), new Set(), 'ssh'), usageError(/ssh can inject no faults: use --nemesis none/));
  assert.throws(() => createSchedule({ nemesis: 'pause', nodes: NODES }, new SeededRandom(1), partitionOnly), usageError(/pause nemesis needs "pause"/));
  assert.doesNotThrow(() => createSchedule({ nemesis: 'none', nodes: NODES }, new SeededRandom(1), new Set()));
});

test('bad timing is a UsageError', () => {
  const random = new SeededRandom(1);
  assert.throws(() => createSchedule({ nemesis: 'kill', nodes: NODES, timing: { faultMs: { min: 5, max: 1 } } }, random), usageError(/nemesis timing: faultMs/));
  assert.throws(() => createSchedule({ nemesis: 'kill', nodes: NODES, timing: { quietMs: { min: -1, max: 1 } } }, random), usageError(/0 <= min <= max/));
  assert.throws(() => createSchedule({ nemesis: 'kill', nodes: NODES, timing: { maxActiveFaults: 0 } }, random), usageError(/maxActiveFaults/));
  assert.throws(() => createSchedule({ nemesis: 'kill', nodes: NODES, timing: { maxActiveFaults: 1.5 } }, random), usageError(/whole number/));
});
