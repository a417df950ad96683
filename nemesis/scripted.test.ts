/** A schedule given as data: checked entry by entry before the run, then run exactly, each fault stopped after its duration. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultlineError } from '../common/errors.js';
import { SeededRandom } from '../common/random.js';
import { ManualScheduler } from '../common/testing/manual-scheduler.js';
import { RecordingFaultControl } from './fakes.js';
import { checkSchedule, type ScheduleWindow } from './scripted-checks.js';
import { ScriptedSchedule, type ScheduledFault } from './scripted.js';

const WINDOW: ScheduleWindow = { nodes: ['n1', 'n2', 'n3'], fromMs: 1000, untilMs: 11_000 };

function refusal(input: unknown): string {
  try {
    checkSchedule(input, WINDOW);
  } catch (error) {
    assert.ok(error instanceof FaultlineError, String(error));
    return error.describe();
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

test('a user-written schedule passes as written', () => {
  const schedule = [
    { atMs: 5000, kind: 'partition', durationMs: 3000, value: { target: 'custom', groups: [['n1'], ['n2', 'n3']] } },
    { atMs: 2000, kind: 'kill', durationMs: 1000, value: { target: 'leader' } },
    { atMs: 6000, kind: 'pause', durationMs: 500, value: { nodes: ['n2'] } },
  ];
  assert.deepEqual(checkSchedule(schedule, WINDOW), schedule);
});

test('each mistake names its entry and says what fits', () => {
  assert.match(refusal({}), /schedule: must be a list of faults/);
  assert.match(refusal([{ atMs: 2000, kind: 'flood', durationMs: 10, value: {} }]), /schedule\[0\]: kind must be one of partition, kill, pause, clock, got "flood"/);
  assert.match(refusal([{ atMs: 500, kind: 'kill', durationMs: 10, value: {} }]), /schedule\[0\]: atMs must be whole milliseconds from 1000 \(the end of warm-up\)/);
  assert.match(refusal([{ atMs: 10_500, kind: 'kill', durationMs: 1000, value: {} }]), /schedule\[0\]: ends at 11500 ms, after the faults phase ends at 11000 ms/);
  assert.match(refusal([{ atMs: 2000, kind: 'kill', durationMs: 10, value: { nodes: ['n7'] } }]), /schedule\[0\]\.value: names node "n7", which this run does not have\n {2}the nodes are n1, n2, n3/);
  assert.match(refusal([{ atMs: 2000, kind: 'partition', durationMs: 10, value: { groups: [['n1'], ['n1', 'n2']] } }]), /partition groups overlap/);
  assert.match(refusal([{ atMs: 2000, kind: 'kill', durationMs: 10, value: { target: 'everyone' } }]), /target must be one of one, leader, majority/);
  assert.match(refusal([{ atMs: 2000, kind: 'kill', durationMs: 10, value: {}, when: 'now' }]), /schedule\[0\]: has unknown field "when"/);
  const overlapping = [
    { atMs: 2000, kind: 'kill', durationMs: 3000, value: { nodes: ['n1'] } },
    { atMs: 4000, kind: 'pause', durationMs: 100, value: { nodes: ['n2'] } },
  ];
  assert.match(refusal(overlapping), /schedule\[1\]: overlaps schedule\[0\] on the process \(pause from 4000 ms while that fault lasts until 5000 ms\)/);
  // Different resources may overlap; the same resource may follow on at once.
  checkSchedule([overlapping[0], { atMs: 2500, kind: 'partition', durationMs: 100, value: {} }, { atMs: 5000, kind: 'pause', durationMs: 100, value: {} }], WINDOW);
});

test('a scripted schedule applies each fault at its time, stops it after its duration, and reports both', () => {
  const scheduler = new ManualScheduler();
  const control = new RecordingFaultControl(['n1', 'n2', 'n3']);
  const events: string[] = [];
  const faults: ScheduledFault[] = [
    { atMs: 1000, kind: 'partition', durationMs: 2000, value: { target: 'custom', groups: [['n1'], ['n2', 'n3']] } },
    { atMs: 1500, kind: 'kill', durationMs: 100, value: { target: 'leader' } },
    { atMs: 9000, kind: 'pause', durationMs: 5000, value: { nodes: ['n3'] } },
  ];
  const schedule = new ScriptedSchedule(faults, new SeededRandom(3));
  scheduler.after(500, 'warm-up over', () =>
    schedule.start({ scheduler, control, view: () => ({ nodes: ['n1', 'n2', 'n3'], leader: 'n2' }), onEvent: (event) => events.push(`${scheduler.nowMs()} ${event.f} ${JSON.stringify(event.value)}`) }),
  );
  scheduler.run(9500);
  assert.deepEqual(events, [
    '1000 start-partition {"target":"custom","groups":[["n1"],["n2","n3"]]}',
    '1500 start-kill {"target":"leader","nodes":["n2"]}',
    '1600 stop-kill {"target":"leader","nodes":["n2"]}',
    '3000 stop-partition {"target":"custom","groups":[["n1"],["n2","n3"]]}',
    '9000 start-pause {"nodes":["n3"]}',
  ]);
  assert.deepEqual(schedule.activeFaults(), ['pause']);
  // At the time limit everything still on stops, and nothing later starts.
  schedule.healAll(control);
  assert.deepEqual(schedule.activeFaults(), []);
  assert.match(events.at(-1) ?? '', /stop-pause/);
  assert.deepEqual(control.calls.slice(0, 4), ['partition [["n1"],["n2","n3"]]', 'kill n2', 'restart n2', 'heal']);
});

test('a fault that follows on at once on the same resource starts after the one before it stops, not before', () => {
  const scheduler = new ManualScheduler();
  const control = new RecordingFaultControl(['n1', 'n2', 'n3']);
  // The second kill is scheduled before the first starts, so its timer comes first at 2000 ms.
  const faults: ScheduledFault[] = [
    { atMs: 1500, kind: 'kill', durationMs: 500, value: { nodes: ['n3'] } },
    { atMs: 2000, kind: 'kill', durationMs: 500, value: { nodes: ['n3'] } },
    { atMs: 2000, kind: 'partition', durationMs: 500, value: { groups: [['n1'], ['n2', 'n3']] } },
  ];
  checkSchedule(faults, WINDOW);
  const schedule = new ScriptedSchedule(faults, new SeededRandom(3));
  schedule.start({ scheduler, control, view: () => ({ nodes: ['n1', 'n2', 'n3'], leader: 'n1' }), onEvent: () => {} });
  scheduler.run(3000);
  assert.deepEqual(control.calls, ['kill n3', 'restart n3', 'kill n3', 'partition [["n1"],["n2","n3"]]', 'restart n3', 'heal']);
  assert.deepEqual(schedule.activeFaults(), []);
});
