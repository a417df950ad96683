import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../common/random.js';
import { ManualScheduler } from '../common/testing/manual-scheduler.js';
import { RecordingFaultControl } from './fakes.js';
import type { FaultKind } from './index.js';
import type { NemesisEvent, ScheduleTiming } from './schedule.js';
import { createSchedule } from './spec.js';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

interface TimedEvent extends NemesisEvent {
  atMs: number;
}

interface Run {
  events: TimedEvent[];
  control: RecordingFaultControl;
  scheduler: ManualScheduler;
  active: () => FaultKind[];
  healAll: () => void;
}

function startRun(nemesis: string, seed: number, timing: Partial<ScheduleTiming> = {}): Run {
  const control = new RecordingFaultControl(NODES);
  const scheduler = new ManualScheduler();
  const schedule = createSchedule({ nemesis, nodes: NODES, timing }, new SeededRandom(seed), control.abilities);
  const events: TimedEvent[] = [];
  let leader = 0;
  schedule.start({
    scheduler,
    control,
    // A leader that moves, as after elections.
    view: () => ({ nodes: NODES, leader: NODES[leader++ % NODES.length] as string }),
    onEvent: (event) => events.push({ ...event, atMs: scheduler.nowMs() }),
  });
  return { events, control, scheduler, active: () => schedule.activeFaults(), healAll: () => schedule.healAll(control) };
}

function run(nemesis: string, seed: number, durationMs: number, timing: Partial<ScheduleTiming> = {}): Run {
  const started = startRun(nemesis, seed, timing);
  started.scheduler.run(durationMs);
  started.healAll();
  return started;
}

function kindOf(event: NemesisEvent): string {
  return event.f.replace(/^(start|stop)-/, '');
}

test('faults alternate with quiet periods: start, stop, start, stop', () => {
  const { events } = run('all', 1, 300_000);
  assert.ok(events.length >= 30, `only ${events.length} events in 300 s`);
  let previousStopMs = 0;
  for (let index = 0; index < events.length; index += 2) {
    const start = events[index] as TimedEvent;
    const stop = events[index + 1] as TimedEvent;
    assert.match(start.f, /^start-/);
    assert.equal(stop.f, `stop-${kindOf(start)}`);
    assert.deepEqual(stop.value, start.value, 'a stop names what it undid');
    const quietMs = start.atMs - previousStopMs;
    const faultMs = stop.atMs - start.atMs;
    // The last fault may be cut short by healAll at the time limit.
    if (index + 2 < events.length) assert.ok(faultMs >= 2_000 && faultMs <= 10_000, `fault lasted ${faultMs} ms`);
    assert.ok(quietMs >= 2_000 && quietMs <= 10_000, `quiet for ${quietMs} ms`);
    previousStopMs = stop.atMs;
  }
});

test('the nemesis is chosen from the list each time', () => {
  const { events } = run('partition,kill,clock', 2, 300_000);
  const kinds = new Set(events.map(kindOf));
  assert.deepEqual([...kinds].sort(), ['clock', 'kill', 'partition']);
});

test('every start has a matching stop, and healAll leaves nothing active', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const started = startRun('all', seed, { maxActiveFaults: 4 });
    started.scheduler.run(77_777);
    started.healAll();
    assert.deepEqual(started.active(), []);
    assert.ok(started.control.whole(), `still broken after healAll: ${started.control.calls.slice(-5).join('; ')}`);
    const open = new Map<string, number>();
    for (const event of started.events) {
      const kind = kindOf(event);
      open.set(kind, (open.get(kind) ?? 0) + (event.f.startsWith('start-') ? 1 : -1));
      assert.ok((open.get(kind) as number) >= 0 && (open.get(kind) as number) <= 1, `two ${kind} faults at once`);
    }
    assert.ok([...open.values()].every((count) => count === 0));
  }
});

test('healAll stops the fault that is on, and nothing starts after it', () => {
  const started = startRun('kill', 9, { faultMs: { min: 5_000, max: 5_000 }, quietMs: { min: 1_000, max: 1_000 } });
  started.scheduler.run(3_000);
  assert.deepEqual(started.active(), ['kill']);
  started.healAll();
  assert.deepEqual(started.events.map((event) => [event.f, event.atMs]), [
    ['start-kill', 1_000],
    ['stop-kill', 3_000],
  ]);
  started.scheduler.run(60_000);
  assert.equal(started.events.length, 2, 'the scheduled stop and any later start do nothing');
  assert.equal(started.scheduler.pending(), 0);
  started.healAll();
  assert.equal(started.events.length, 2, 'healAll twice is harmless');
});

test('with overlap allowed, faults of different kinds overlap but never share a resource', () => {
  const { events, control } = run('all', 6, 300_000, { maxActiveFaults: 3 });
  const on = new Set<string>();
  let overlapped = false;
  for (const event of events) {
    const kind = kindOf(event);
    if (event.f.startsWith('start-')) {
      assert.ok(!on.has(kind));
      assert.ok(!(kind === 'kill' && on.has('pause')) && !(kind === 'pause' && on.has('kill')), 'kill and pause overlapped');
      on.add(kind);
      overlapped ||= on.size > 1;
    } else {
      on.delete(kind);
    }
  }
  assert.ok(overlapped, 'no two faults ever overlapped');
  assert.ok(control.whole());
});

test('the same seed gives the same schedule; another seed another', () => {
  const first = run('all', 42, 120_000).events;
  assert.deepEqual(run('all', 42, 120_000).events, first);
  assert.notDeepEqual(run('all', 43, 120_000).events, first);
});

test('the none nemesis schedules nothing', () => {
  const started = startRun('none', 1);
  assert.equal(started.scheduler.pending(), 0);
  started.scheduler.run(60_000);
  started.healAll();
  assert.deepEqual(started.events, []);
  assert.deepEqual(started.control.calls, []);
});

test('the timing is configurable', () => {
  const { events } = run('pause', 3, 10_000, { faultMs: { min: 100, max: 100 }, quietMs: { min: 400, max: 400 } });
  assert.deepEqual(
    events.map((event) => event.atMs),
    [400, 500, 900, 1000, 1400, 1500, 1900, 2000, 2400, 2500, 2900, 3000, 3400, 3500, 3900, 4000, 4400, 4500, 4900, 5000, 5400, 5500, 5900, 6000, 6400, 6500, 6900, 7000, 7400, 7500, 7900, 8000, 8400, 8500, 8900, 9000, 9400, 9500, 9900, 10000],
  );
});
