/** What fits a system and runtime, as sentences that say what does fit: a pure function over their descriptions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FaultAbility } from '../harness/runtimes/index.js';
import { fitProblems, type RunChoices } from './fit.js';
import { SYSTEM_NAMES, systemNamed, type System } from './index.js';

const ALL_FAULTS: ReadonlySet<FaultAbility> = new Set<FaultAbility>(['partition', 'kill', 'pause', 'clock']);

const goSystem: System = {
  name: 'go-kv',
  summary: 'a system written in Go, whose clocks cannot be faked',
  runtimes: ['docker', 'local'],
  workloads: ['register', 'lock'],
  readModes: [
    { name: 'linearizable', promises: 'linearizable', summary: 'through the leader' },
    { name: 'serializable', promises: 'serializable', summary: 'any member, possibly stale' },
  ],
  clockFaultsOn: [],
  bugs: [],
  setup: async () => assert.fail('not booted in this test'),
};

function choices(overrides: Partial<RunChoices>): RunChoices {
  return { runtime: { name: 'local', faults: ALL_FAULTS }, workload: 'register', readMode: 'linearizable', faults: ['partition'], bugs: [], ...overrides };
}

test('a run that fits has no problems', () => {
  assert.deepEqual(fitProblems(goSystem, choices({})), []);
  assert.deepEqual(fitProblems(goSystem, choices({ readMode: 'serializable', workload: 'lock', faults: ['partition', 'kill', 'pause'] })), []);
});

test('each misfit is one sentence that names what fits', () => {
  const problems = fitProblems(goSystem, choices({ runtime: { name: 'sim', faults: ALL_FAULTS }, workload: 'sequence', readMode: 'sequential', faults: ['clock'], bugs: ['ack-before-quorum'] }));
  assert.deepEqual(problems, [
    'go-kv does not run on the sim runtime; it runs on docker, local',
    'go-kv does not speak the sequence workload; it speaks register, lock',
    'go-kv has no read mode "sequential"; its read modes are linearizable, serializable',
    "go-kv's clocks cannot be skewed on the sim runtime (on no runtime), so clock faults would not take effect; leave clock out of --nemesis",
    'go-kv has no planted bugs (--bug ack-before-quorum)',
  ]);
});

test('a fault the runtime cannot apply is refused with what it can', () => {
  const partitionsOnly = { name: 'local' as const, faults: new Set<FaultAbility>(['partition']) };
  assert.deepEqual(fitProblems(goSystem, choices({ runtime: partitionsOnly, faults: ['partition', 'pause'] })), ['the local runtime cannot apply pause faults; it can apply partition']);
});

test('every registered system describes itself fully, and the coordinator fits every runtime, workload and fault', () => {
  assert.ok(SYSTEM_NAMES.includes('coordinator-raft') && SYSTEM_NAMES.includes('coordinator-zab'));
  for (const name of SYSTEM_NAMES) {
    const system = systemNamed(name);
    assert.equal(system.name, name);
    assert.ok(system.runtimes.length > 0 && system.workloads.length > 0 && system.readModes.length > 0, name);
    assert.equal(new Set(system.readModes.map((mode) => mode.name)).size, system.readModes.length, `${name}: read mode names are unique`);
  }
  const raft = systemNamed('coordinator-raft');
  for (const runtime of ['sim', 'docker', 'local'] as const) {
    for (const workload of raft.workloads) assert.deepEqual(fitProblems(raft, choices({ runtime: { name: runtime, faults: ALL_FAULTS }, workload, faults: [...ALL_FAULTS] })), []);
  }
  assert.throws(() => systemNamed('zookeper'), /there is no system named "zookeper"/);
});
