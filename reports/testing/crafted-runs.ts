/**
 * Small hand-made run directories for the report's tests, judged by the
 * real checkers: a lock that two processes held at once, two leaders that
 * both acknowledged writes, three faults on at once, and a history full of
 * markup that must show as text. Real runs produce the first three rarely,
 * and the last never.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsFromSpans, type OperationSpan, type RoleSample } from '../../checkers/checker.js';
import { runNamedChecker } from '../../checkers/registry.js';
import { formatEvent, pairEvents, type HistoryEvent } from '../../common/history/index.js';

export const HOSTILE = '<script>window.pwned=1</script>';
export const HOSTILE_IMAGE = '<img src=x onerror="window.pwned=2">';

function writeRun(directory: string, config: Record<string, unknown>, events: HistoryEvent[], roles: RoleSample[], checkers: string[]): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'config.json'), JSON.stringify({ version: 'test', runtime: 'sim', nemesis: 'partition', nodes: 3, concurrency: 4, rate: 10, seed: 1, bugs: [], ...config }));
  writeFileSync(join(directory, 'history.jsonl'), `${events.map(formatEvent).join('\n')}\n`);
  writeFileSync(join(directory, 'roles.jsonl'), `${roles.map((sample) => JSON.stringify(sample)).join('\n')}\n`);
  const input = { operations: pairEvents(events).operations, events, roles };
  const results = Object.fromEntries(checkers.map((name) => [name, runNamedChecker(name, input)]));
  const valid = Object.values(results).some((result) => result.valid === false) ? false : true;
  writeFileSync(join(directory, 'results.json'), JSON.stringify({ valid, checkers: results, ops: input.operations.length }));
}

function withNemesis(spans: OperationSpan[], faults: Array<[number, string, unknown]>): HistoryEvent[] {
  const events = eventsFromSpans(spans);
  for (const [seconds, f, value] of faults) events.push({ index: 0, time: seconds * 1e9, process: 'nemesis', type: 'info', f, value });
  events.sort((left, right) => left.time! - right.time!);
  return events.map((event, index) => ({ ...event, index }));
}

function rolesOver(seconds: number, leaderAt: (node: string, time: number) => [string, number]): RoleSample[] {
  const samples: RoleSample[] = [];
  for (let tenth = 0; tenth <= seconds * 10; tenth++) {
    for (const node of ['n1', 'n2', 'n3']) {
      const [role, epoch] = leaderAt(node, tenth / 10);
      samples.push({ time: tenth * 1e8, node, role, epoch });
    }
  }
  return samples;
}

/** Processes 1 and 2 both hold lock "a" from 2.0 s to 2.5 s, during a partition. */
export function writeLockOverlapRun(directory: string): void {
  const spans: OperationSpan[] = [];
  for (let round = 0; round < 6; round++) {
    const start = round * 0.7;
    spans.push({ process: 0, f: 'acquire', key: 'a', callSeconds: start, returnSeconds: start + 0.05, value: null });
    spans.push({ process: 0, f: 'release', key: 'a', callSeconds: start + 0.3, returnSeconds: start + 0.32, value: null });
  }
  spans.push({ process: 1, f: 'acquire', key: 'a', callSeconds: 1.5, returnSeconds: 1.6, value: null });
  spans.push({ process: 2, f: 'acquire', key: 'a', callSeconds: 1.9, returnSeconds: 2.0, value: null });
  spans.push({ process: 1, f: 'release', key: 'a', callSeconds: 2.5, returnSeconds: 2.55, value: null });
  spans.push({ process: 2, f: 'release', key: 'a', callSeconds: 2.9, returnSeconds: 3.0, value: null });
  spans.push({ process: 3, f: 'acquire', key: 'a', callSeconds: 3.2, returnSeconds: 5.2, type: 'info', value: null });
  const events = withNemesis(spans, [[1.8, 'start-partition', { target: 'isolate-leader', groups: [['n1'], ['n2', 'n3']] }], [3.1, 'stop-partition', null]]);
  const roles = rolesOver(5, (node, time) => (node === 'n1' ? ['leader', 1] : node === 'n2' && time > 2.4 ? ['leader', 2] : ['follower', 1]));
  writeRun(directory, { system: 'coordinator-zab', workload: 'lock' }, events, roles, ['lock', 'perf']);
}

/** n1 (term 1) and n2 (term 2) both lead from 2.0 s to 3.0 s and both acknowledge writes then. */
export function writeSplitBrainRun(directory: string): void {
  const spans: OperationSpan[] = [];
  for (let step = 0; step < 40; step++) {
    const start = 0.1 + step * 0.1;
    const node = start > 2 && start < 3 && step % 2 === 0 ? 'n2' : 'n1';
    spans.push({ process: step % 4, f: 'write', key: 'x', callSeconds: start, returnSeconds: start + 0.02, value: step, fields: { node } });
  }
  const events = withNemesis(spans, [[1.5, 'start-partition', { target: 'isolate-leader', groups: [['n1'], ['n2', 'n3']] }], [3.5, 'stop-partition', null]]);
  const roles = rolesOver(4.2, (node, time) => (node === 'n1' && time < 3.05 ? ['leader', 1] : node === 'n2' && time >= 2 ? ['leader', 2] : ['follower', time >= 2 ? 2 : 1]));
  writeRun(directory, { system: 'coordinator-raft', workload: 'register' }, events, roles, ['split-brain', 'perf']);
}

/** A partition, a kill and a clock skew all on from 4 s to 6 s, then a short pause and a second partition. */
export function writeOverlappingFaultsRun(directory: string): void {
  const spans: OperationSpan[] = [];
  for (let step = 0; step < 240; step++) {
    const start = step * 0.05;
    const faulty = start > 3 && start < 6 && step % 3 === 0;
    // An op that ends in info retires its process, as in a real history.
    spans.push({ process: faulty ? 100 + step : step % 4, f: step % 2 === 0 ? 'write' : 'read', key: 'x', callSeconds: start, returnSeconds: start + (faulty ? 0.4 : 0.004), value: step, type: faulty ? 'info' : 'ok' });
  }
  const events = withNemesis(spans, [
    [2, 'start-partition', { target: 'isolate-leader', groups: [['n1'], ['n2', 'n3']] }],
    [3, 'start-kill', { target: 'one', nodes: ['n3'] }],
    [4, 'start-clock', { change: 'strobe', skews: { n2: {} } }],
    [6, 'stop-kill', null],
    [8, 'stop-partition', null],
    [9, 'stop-clock', null],
    [9.5, 'start-pause', { target: 'majority', nodes: ['n1', 'n2'] }],
    [9.7, 'stop-pause', null],
    [10, 'start-partition', { target: 'halves', groups: [['n1', 'n2'], ['n3']] }],
    [11, 'stop-partition', null],
  ]);
  const roles = rolesOver(12, (node) => (node === 'n1' ? ['leader', 1] : ['follower', 1]));
  writeRun(directory, { system: 'coordinator-raft', workload: 'register', nemesis: 'all', maxActiveFaults: 3 }, events, roles, ['perf']);
}

/** Markup in keys, values, node names, fault values, the config and a checker's sentence. */
export function writeHostileRun(directory: string): void {
  const spans: OperationSpan[] = [];
  for (let step = 0; step < 20; step++) {
    spans.push({ process: step % 3, f: 'write', key: HOSTILE, callSeconds: step * 0.1, returnSeconds: step * 0.1 + 0.01, value: HOSTILE_IMAGE, type: step % 5 === 0 ? 'fail' : 'ok', fields: { node: HOSTILE } });
  }
  const events = withNemesis(spans, [[0.5, 'start-kill', { target: HOSTILE, nodes: [HOSTILE_IMAGE] }], [1.2, 'stop-kill', null]]);
  const roles = rolesOver(2, (node) => (node === 'n1' ? [HOSTILE, 1] : ['follower', 1]));
  writeRun(directory, { system: HOSTILE, workload: HOSTILE_IMAGE, bugs: [HOSTILE] }, events, roles, ['perf']);
  const results = { valid: false, checkers: { [HOSTILE]: { checker: HOSTILE, valid: false, anomalies: [{ key: HOSTILE }], stats: { [HOSTILE_IMAGE]: HOSTILE }, sentence: `${HOSTILE} ${HOSTILE_IMAGE}` } }, ops: 20 };
  writeFileSync(join(directory, 'results.json'), JSON.stringify(results));
}
