/** Compound faults: a follower cut off, then the leader lost while it is out, the follower healed first, the leader lost again as it catches up; or the leader cut off long, the new leader lost, the old healed; the phase's mixes run only before and after. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../common/random.js';
import { ManualScheduler } from '../common/testing/manual-scheduler.js';
import { CompoundSchedule, type CompoundLeaderFault, type CompoundShape } from './compound.js';
import { RecordingFaultControl } from './fakes.js';
import type { NemesisEvent } from './schedule.js';
import { createSchedule } from './spec.js';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const TIMING = { faultMs: { min: 1_000, max: 4_000 }, quietMs: { min: 100, max: 1_000 } };
const PHASE_MS = 20_000;

interface TimedEvent extends NemesisEvent {
  atMs: number;
  /** Which schedule reported it. */
  from: 'before' | 'compound' | 'after';
}

function runCompound(leaderFault: CompoundLeaderFault, seed: number, runMs: number, shape: CompoundShape = 'stale-follower', relapseFault: CompoundLeaderFault = leaderFault): { events: TimedEvent[]; control: RecordingFaultControl } {
  const control = new RecordingFaultControl(NODES);
  const scheduler = new ManualScheduler();
  const random = new SeededRandom(seed);
  const mix = (name: string) => createSchedule({ nemesis: 'clock', nodes: NODES, timing: { ...TIMING, maxActiveFaults: 1 } }, random.fork(name), control.abilities);
  const schedule = new CompoundSchedule({ leaderFault, shape, relapseFault }, random.fork('compound'), TIMING, { before: mix('before'), after: mix('after') }, PHASE_MS);
  const events: TimedEvent[] = [];
  let compoundDone = false;
  schedule.start({
    scheduler,
    control,
    view: () => ({ nodes: NODES, leader: 'n3' }),
    onEvent: (event) => {
      const compound = event.f !== 'start-clock' && event.f !== 'stop-clock';
      const seenCompound = events.some((earlier) => earlier.from === 'compound');
      // The relapse's stop ends the compound; a leader cut ends as its one loss does.
      const lossesBefore = events.filter((earlier) => (earlier.f === `stop-${leaderFault}` || earlier.f === `stop-${relapseFault}`) && earlier.from === 'compound').length;
      if (compound && (event.f === `stop-${leaderFault}` || event.f === `stop-${relapseFault}`) && lossesBefore === (shape === 'leader-cut' ? 0 : 1)) compoundDone = true;
      events.push({ ...event, atMs: scheduler.nowMs(), from: compound ? 'compound' : seenCompound && compoundDone ? 'after' : 'before' });
    },
  });
  scheduler.run(runMs);
  schedule.healAll(control);
  return { events, control };
}

for (const [leaderFault, relapseFault] of [['kill', 'kill'], ['pause', 'pause'], ['pause', 'kill']] as const) {
  test(`a compound with a ${leaderFault} and a ${relapseFault} relapse: a follower cut, the leader lost, the follower healed, the leader back and lost once more, in that order, in the phase's second half`, () => {
    for (const seed of [1, 2, 3, 4]) {
      const { events, control } = runCompound(leaderFault, seed, PHASE_MS, 'stale-follower', relapseFault);
      const compound = events.filter((event) => event.from === 'compound');
      const steps = ['start-partition', `start-${leaderFault}`, 'stop-partition', `stop-${leaderFault}`, `start-${relapseFault}`, `stop-${relapseFault}`];
      assert.deepEqual(compound.map((event) => event.f), steps, `seed ${seed}`);
      const [cut, lost, healed, back, relapse, recovered] = compound as [TimedEvent, TimedEvent, TimedEvent, TimedEvent, TimedEvent, TimedEvent];
      assert.deepEqual(relapse.value, { target: 'one', nodes: ['n3'] }, `seed ${seed}: the node lost again is the one that came back`);
      const quarterMs = lost.atMs - cut.atMs;
      const eighthMs = quarterMs / 2;
      assert.ok(Math.abs(back.atMs - lost.atMs - 3 * eighthMs) <= 2, `seed ${seed}: down for three eighths of the compound`);
      assert.ok(Math.abs(back.atMs - healed.atMs - 2 * eighthMs) <= 2, `seed ${seed}: the healed follower has a quarter of the compound to stand before the leader is back`);
      // A relapse sooner hits a node that has not synced yet (it waits out an election timeout first): nothing unsynced to lose.
      assert.ok(Math.abs(relapse.atMs - back.atMs - 2 * eighthMs) <= 2 && Math.abs(recovered.atMs - relapse.atMs - eighthMs) <= 2, `seed ${seed}: lost again a quarter after it is back, for an eighth`);
      assert.ok(recovered.atMs - cut.atMs <= 4 * quarterMs + 3, `seed ${seed}: the compound ends within its fault's duration`);
      assert.equal((cut.value as { target: string }).target, 'isolate-follower');
      const lonely = (cut.value as { groups: string[][] }).groups.find((group) => group.length === 1);
      assert.ok(lonely !== undefined && lonely[0] !== 'n3', `seed ${seed}: the cut node is a follower`);
      assert.deepEqual(lost.value, { target: 'leader', nodes: ['n3'] });
      assert.ok(cut.atMs < lost.atMs && lost.atMs < healed.atMs && healed.atMs < back.atMs, `seed ${seed}: steps in order`);
      assert.ok(cut.atMs >= (PHASE_MS - TIMING.faultMs.max - TIMING.quietMs.max) / 2, `seed ${seed}: the compound comes in the phase's second half`);
      for (const event of events.filter((each) => each.from === 'before')) assert.ok(event.atMs <= cut.atMs, `seed ${seed}: the first mix is over before the compound`);
      for (const event of events.filter((each) => each.from === 'after')) assert.ok(event.atMs >= recovered.atMs, `seed ${seed}: the second mix starts after it`);
      assert.ok(control.whole(), `seed ${seed}: healAll leaves nothing broken`);
    }
  });
}

/** A compound at stale clock rate 3 whose mixes never get to start a fault (their first waits a minute). */
function fastClockCompound(seed: number, shape: CompoundShape): { control: RecordingFaultControl; scheduler: ManualScheduler; schedule: CompoundSchedule } {
  const control = new RecordingFaultControl(NODES);
  const random = new SeededRandom(seed);
  const quiet = (name: string) => createSchedule({ nemesis: 'kill', nodes: NODES, timing: { faultMs: { min: 1, max: 1 }, quietMs: { min: 60_000, max: 60_000 }, maxActiveFaults: 1 } }, random.fork(name), control.abilities);
  const schedule = new CompoundSchedule({ leaderFault: 'kill', shape, staleClockRate: 3 }, random.fork('compound'), TIMING, { before: quiet('before'), after: quiet('after') }, PHASE_MS);
  return { control, scheduler: new ManualScheduler(), schedule };
}

for (const leaderFault of ['kill', 'pause'] as const) {
  test(`a leader cut with a ${leaderFault}: the leader cut off from the longer half of the faults, the leader elected meanwhile lost at three quarters, the cut healed, the lost leader back at the end`, () => {
    let secondMixes = 0;
    for (const seed of [1, 2, 3, 4]) {
      const { events, control } = runCompound(leaderFault, seed, PHASE_MS + 5_000, 'leader-cut');
      if (events.some((event) => event.from === 'after')) secondMixes++;
      const compound = events.filter((event) => event.from === 'compound');
      assert.deepEqual(compound.map((event) => event.f), ['start-partition', `start-${leaderFault}`, 'stop-partition', `stop-${leaderFault}`], `seed ${seed}`);
      const [cut, lost, healed, back] = compound as [TimedEvent, TimedEvent, TimedEvent, TimedEvent];
      assert.equal((cut.value as { target: string }).target, 'leader-minority');
      const minority = (cut.value as { groups: string[][] }).groups.find((group) => group.includes('n3'));
      assert.equal(minority?.length, 2, `seed ${seed}: the leader and one follower cut off, of five nodes`);
      const durationMs = back.atMs - cut.atMs;
      assert.ok(durationMs >= (TIMING.faultMs.min + TIMING.faultMs.max) / 2 - 1 && durationMs <= TIMING.faultMs.max, `seed ${seed}: a cut from the longer half of the faults, got ${durationMs} ms`);
      assert.ok(Math.abs(lost.atMs - cut.atMs - (durationMs * 3) / 4) <= 1 && Math.abs(healed.atMs - cut.atMs - (durationMs * 7) / 8) <= 1, `seed ${seed}: lost at 3/4, healed at 7/8`);
      for (const event of events.filter((each) => each.from === 'before')) assert.ok(event.atMs <= cut.atMs, `seed ${seed}: the first mix is over before the cut`);
      for (const event of events.filter((each) => each.from === 'after')) assert.ok(event.atMs >= back.atMs, `seed ${seed}: the second mix starts after it`);
      assert.ok(control.whole(), `seed ${seed}: healAll leaves nothing broken`);
    }
    assert.ok(secondMixes > 0, 'the second mix runs after the cut');
  });
}

for (const shape of ['stale-follower', 'leader-cut'] as const) {
  test(`${shape} with a stale clock rate: the cut's minority side runs fast from the leader's loss until it is back, and nothing else does`, () => {
    for (const seed of [1, 2, 3]) {
      const { control, scheduler, schedule } = fastClockCompound(seed, shape);
      assert.ok(schedule.nemeses().some((nemesis) => nemesis.name === 'clock'), 'the runtime must be able to skew clocks');
      const events: TimedEvent[] = [];
      const rates: Array<{ atMs: number; skewed: string[] }> = [];
      schedule.start({
        scheduler,
        control,
        view: () => ({ nodes: NODES, leader: 'n3' }),
        onEvent: (event) => {
          events.push({ ...event, atMs: scheduler.nowMs(), from: 'compound' });
          rates.push({ atMs: scheduler.nowMs(), skewed: [...control.skewed.keys()].sort() });
        },
      });
      scheduler.run(PHASE_MS);
      const at = (f: string): TimedEvent => events.find((event) => event.f === f) as TimedEvent;
      const cut = at('start-partition');
      const minority = (cut.value as { groups: string[][] }).groups.reduce((smallest, group) => (group.length < smallest.length ? group : smallest));
      const fast = at('start-clock');
      assert.deepEqual(fast.value, { change: 'drift', skews: Object.fromEntries(minority.map((node) => [node, { rate: 3 }])) }, `seed ${seed}`);
      assert.equal(fast.atMs, at('start-kill').atMs, `seed ${seed}: fast from the leader's loss`);
      assert.equal(at('stop-clock').atMs, at('stop-kill').atMs, `seed ${seed}: back to true time as the leader is back`);
      assert.ok(at('stop-partition').atMs < at('stop-clock').atMs, `seed ${seed}: still fast when the cut heals`);
      assert.ok(rates.every((sample) => sample.skewed.every((node) => minority.includes(node))), `seed ${seed}: only the stale side's clocks change`);
      assert.equal(events.filter((event) => event.f === 'start-clock').length, 1, `seed ${seed}: once per compound`);
      schedule.healAll(control);
      assert.ok(control.whole(), `seed ${seed}: healAll leaves nothing broken`);
    }
  });
}

for (const shape of ['stale-follower', 'leader-cut'] as const) {
  test(`${shape}: once the cut heals, the fast clocks stop as soon as a node other than the lost leader leads, so no leader runs fast`, () => {
    for (const seed of [1, 2, 3]) {
      const { control, scheduler, schedule } = fastClockCompound(seed, shape);
      const events: TimedEvent[] = [];
      let healedAtMs: number | null = null;
      const electedAfterMs = 100 + seed * 37;
      // n3 leads until it is lost; n1 leads from a while after the cut heals (before that, no one).
      const leader = (): string | null => {
        if (!events.some((event) => event.f === 'start-kill')) return 'n3';
        return healedAtMs !== null && scheduler.nowMs() >= healedAtMs + electedAfterMs ? 'n1' : null;
      };
      schedule.start({
        scheduler,
        control,
        view: () => ({ nodes: NODES, leader: leader() }),
        onEvent: (event) => {
          events.push({ ...event, atMs: scheduler.nowMs(), from: 'compound' });
          if (event.f === 'stop-partition') healedAtMs = scheduler.nowMs();
        },
      });
      scheduler.run(PHASE_MS);
      const at = (f: string): TimedEvent => events.find((event) => event.f === f) as TimedEvent;
      const stopped = at('stop-clock').atMs;
      assert.ok(healedAtMs !== null && stopped >= healedAtMs + electedAfterMs && stopped <= healedAtMs + electedAfterMs + 20, `seed ${seed}: stopped at ${stopped}, elected at ${healedAtMs! + electedAfterMs}`);
      assert.ok(stopped < at('stop-kill').atMs, `seed ${seed}: before the lost leader is back`);
      schedule.healAll(control);
      assert.ok(control.whole(), `seed ${seed}: healAll leaves nothing broken`);
    }
  });
}

test('healed while the stale side runs fast, its clocks are back to true time', () => {
  const control = new RecordingFaultControl(NODES);
  const scheduler = new ManualScheduler();
  const random = new SeededRandom(4);
  const mix = (name: string) => createSchedule({ nemesis: 'partition', nodes: NODES, timing: { ...TIMING, maxActiveFaults: 1 } }, random.fork(name), control.abilities);
  const schedule = new CompoundSchedule({ leaderFault: 'pause', shape: 'stale-follower', staleClockRate: 3 }, random.fork('compound'), TIMING, { before: mix('before'), after: mix('after') }, 3_000);
  let skewedWhenHealed = 0;
  schedule.start({ scheduler, control, view: () => ({ nodes: NODES, leader: 'n2' }), onEvent: () => {} });
  for (let untilMs = 10; untilMs <= 10_000 && skewedWhenHealed === 0; untilMs += 10) {
    scheduler.run(untilMs);
    skewedWhenHealed = control.skewed.size;
  }
  assert.equal(skewedWhenHealed, 1, 'the stale follower runs fast at some point');
  schedule.healAll(control);
  assert.ok(control.whole(), 'healAll resets the fast clock');
});

test('healed in the middle of a compound, nothing stays broken and nothing more starts', () => {
  for (const seed of [5, 6, 7, 8, 9]) {
    const control = new RecordingFaultControl(NODES);
    const scheduler = new ManualScheduler();
    const random = new SeededRandom(seed);
    const mix = (name: string) => createSchedule({ nemesis: 'partition,kill', nodes: NODES, timing: { ...TIMING, maxActiveFaults: 2 } }, random.fork(name), control.abilities);
    const schedule = new CompoundSchedule({ leaderFault: 'kill' }, random.fork('compound'), TIMING, { before: mix('before'), after: mix('after') }, 3_000);
    const starts: number[] = [];
    schedule.start({ scheduler, control, view: () => ({ nodes: NODES, leader: 'n1' }), onEvent: (event) => event.f.startsWith('start-') && starts.push(scheduler.nowMs()) });
    scheduler.run(1_500 + seed * 300);
    schedule.healAll(control);
    assert.ok(control.whole(), `seed ${seed}: something still broken`);
    const startsBefore = starts.length;
    scheduler.run(60_000);
    assert.equal(starts.length, startsBefore, `seed ${seed}: a fault started after healAll`);
  }
});
