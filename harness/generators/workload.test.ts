import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputFromEvents, type RoleSample } from '../../checkers/checker.js';
import { WORKLOADS, type Workload } from '../../workloads/index.js';
import { judgeWorkload } from '../../workloads/testing/check.js';
import { runWorkers } from '../run/workers.js';
import { ManualScheduler } from '../../common/testing/manual-scheduler.js';
import { InMemorySystem } from '../../workloads/testing/fakes.js';
import { planWorkload, runPhases, type PhaseName, type RunPhaseOptions } from './index.js';

const TIMING = { warmUpMs: 500, faultsMs: 2500, recoveryMs: 1000 };

/** Event times are whole nanoseconds, so compare with a nanosecond to spare. */
function timeMs(event: { time?: number }): number {
  return event.time! / 1e6;
}
const EPSILON_MS = 1e-6;

function runWorkload(workload: Workload, seed: number, options: Partial<RunPhaseOptions> = {}) {
  const scheduler = new ManualScheduler();
  const system = new InMemorySystem({ scheduler, seed, maxLatencyMs: 8 });
  // A lock key's budget counts acquires, each a cycle of several operations.
  const operationsPerKey = workload.name.startsWith('lock') ? 10 : 40;
  const plan = planWorkload(workload, { concurrency: 6, rate: 200, workersPerKey: 3, operationsPerKey });
  const phases: Array<[PhaseName, number]> = [];
  const generator = runPhases(plan, { ...TIMING, ...options, onPhase: (phase, nowMs) => phases.push([phase, nowMs]) });
  const run = runWorkers({ scheduler, generator, concurrency: 6, seed, openClient: (_worker, process) => system.client(process) });
  assert.ok(run.finished(), `${workload.name}: the run ends`);
  const roles: RoleSample[] = [{ time: 0, node: 'n1', role: 'leader', epoch: 1 }];
  return { plan, phases, events: run.events, input: inputFromEvents(run.events, { roles, finalStates: system.finalStates() }) };
}

describe('a workload run through its phases', () => {
  for (const workload of Object.values(WORKLOADS)) {
    it(`${workload.name}: passes its checkers against a correct system`, () => {
      // A lock is held for half a second on average (as a user does work under it): a longer run gets as many ops.
      const { input, plan } = runWorkload(workload, 21, workload.name.startsWith('lock') ? { faultsMs: 15_000 } : {});
      assert.ok(input.operations.length > 150, `${input.operations.length} operations`);
      assert.ok(plan.keysUsed().length > 4, 'keys rotate');
      const names = new Set(input.operations.map((operation) => operation.f));
      assert.deepEqual([...names].sort(), [...workload.functions].sort());
      for (const [name, judgement] of Object.entries(judgeWorkload(workload, input))) {
        assert.equal(judgement.valid, true, `${workload.name} ${name}: ${judgement.sentence}`);
      }
    });
  }

  it('goes warm-up, faults, recovery, final; no operation during recovery; final reads of every key used', () => {
    const { phases, events, plan } = runWorkload(WORKLOADS.register, 5);
    assert.deepEqual(
      phases.map(([phase]) => phase),
      ['warm-up', 'faults', 'recovery', 'final'],
    );
    const recoveryMs = phases[2]![1];
    const finalMs = phases[3]![1];
    assert.ok(finalMs - recoveryMs >= TIMING.recoveryMs);
    const quiet = (event: { time?: number }) => timeMs(event) > recoveryMs + EPSILON_MS && timeMs(event) < finalMs - EPSILON_MS;
    assert.ok(!events.some(quiet), 'quiet during recovery');
    const finalReads = events.filter((event) => event.type === 'invoke' && timeMs(event) >= finalMs - EPSILON_MS);
    assert.deepEqual(finalReads.map((event) => event.key).sort(), plan.keysUsed().sort());
    assert.ok(finalReads.every((event) => event.f === 'read'));
    const faultsEndMs = phases[1]![1] + TIMING.faultsMs;
    const invoked = events.filter((event) => event.type === 'invoke');
    // Handed out before the limit, an operation may still wait out its stagger delay.
    const late = (event: { time?: number }) => timeMs(event) >= faultsEndMs + 100 && timeMs(event) < finalMs - EPSILON_MS;
    assert.ok(!invoked.some(late), 'none long after the limit');
  });

  it('reads every key from every worker when asked to', () => {
    const { events, phases, plan } = runWorkload(WORKLOADS.register, 6, { finalBy: 'every-worker' });
    const finalMs = phases[3]![1];
    const finalReads = events.filter((event) => event.type === 'invoke' && timeMs(event) >= finalMs - EPSILON_MS);
    assert.equal(finalReads.length, plan.keysUsed().length * 6);
  });

  it('is deterministic: the same seed gives the same history', () => {
    assert.deepEqual(runWorkload(WORKLOADS.lock, 8).events, runWorkload(WORKLOADS.lock, 8).events);
  });
});
