/** Violations grouped by system, checker and the shape the checker gives its anomaly; the smallest seed speaks for each group. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsFromSpans, type CheckerResult, type OperationSpan } from '../checkers/checker.js';
import { CHECKER_NAMES, runNamedChecker } from '../checkers/registry.js';
import { pairEvents } from '../common/history/index.js';
import { namesShapes, UNREADABLE_SHAPE } from './anomaly-shapes.js';
import { renderIndexPage } from './index-page.js';
import type { StoredChecker, StoredRun } from './index-runs.js';
import { groupViolations, UNDECIDED_SHAPE } from './violation-groups.js';

function stored(result: CheckerResult): StoredChecker {
  return { valid: result.valid, ...(result.sentence === undefined ? {} : { sentence: result.sentence }), ...(result.reason === undefined ? {} : { reason: result.reason }), stats: {}, raw: JSON.parse(JSON.stringify(result)) as Record<string, unknown> };
}

function run(seed: number, checkers: Record<string, StoredChecker>, system = 'coordinator-zab'): StoredRun {
  const valid = Object.values(checkers).some((checker) => checker.valid === false) ? false : Object.values(checkers).some((checker) => checker.valid === 'unknown') ? 'unknown' : true;
  return {
    directory: `/runs/${system}-${seed}`,
    id: `20261122T10000${seed % 10}Z-${system}-register-${seed}`,
    startedAt: '2026-11-22T10:00:00Z',
    config: { system, workload: 'register', nemesis: 'partition', seed, runtime: 'sim', bugs: [] },
    results: { valid, ops: 10, checkers },
    hasReport: true,
  };
}

/** A register history judged by the real checker: a read of `read` after writes of 1 then 2. */
function linearizability(read: number, offsetSeconds: number): StoredChecker {
  const spans: OperationSpan[] = [
    { process: 0, f: 'write', key: 'k', value: 1, callSeconds: offsetSeconds, returnSeconds: offsetSeconds + 1 },
    { process: 0, f: 'write', key: 'k', value: 2, callSeconds: offsetSeconds + 2, returnSeconds: offsetSeconds + 3 },
    { process: 1, f: 'read', key: 'k', value: null, output: read, callSeconds: offsetSeconds + 4, returnSeconds: offsetSeconds + 5 },
  ];
  const events = eventsFromSpans(spans);
  return stored(runNamedChecker('linearizability:cas-register', { operations: pairEvents(events).operations, events }));
}

function crash(node: string, term: number): StoredChecker {
  const anomaly = { node, time: term * 1e9, message: `AssertionError: ${node} lost its leadership in term ${term}` };
  return { valid: false, sentence: anomaly.message, stats: {}, raw: { valid: false, anomalies: [anomaly] } };
}

test('the real linearizability checker gives stale reads one shape and unwritten values another, whatever the times and values', () => {
  const stale = linearizability(1, 0);
  const staleLater = linearizability(1, 7);
  const invented = linearizability(9, 0);
  assert.equal(stale.valid, false);
  const groups = groupViolations([run(30, { 'linearizability:cas-register': staleLater }), run(4, { 'linearizability:cas-register': stale }), run(12, { 'linearizability:cas-register': invented })]);
  assert.deepEqual(groups.map((group) => [group.shape, group.runs.map((member) => member.config?.seed)]), [
    ['read returned an overwritten value', [4, 30]],
    ['read returned a value no operation wrote', [12]],
  ]);
  assert.equal(groups[0]!.sentence, stale.sentence, 'the smallest seed speaks, in its checker\'s own sentence');
});

test('crashes group by message without node names and numbers; systems stay apart; a run counts once per group', () => {
  const groups = groupViolations([
    run(8, { crash: crash('n2', 7) }),
    run(3, { crash: crash('n3', 4) }),
    run(5, { crash: crash('n1', 2) }, 'coordinator-raft'),
    run(9, { crash: { valid: false, sentence: 'two crashes', stats: {}, raw: { anomalies: [crash('n1', 1).raw.anomalies, crash('n2', 2).raw.anomalies].flat() } } }),
  ]);
  assert.deepEqual(groups.map((group) => [group.system, group.shape, group.runs.map((member) => member.config?.seed)]), [
    ['coordinator-zab', 'crashed: AssertionError: a node lost its leadership in term N', [3, 8, 9]],
    ['coordinator-raft', 'crashed: AssertionError: a node lost its leadership in term N', [5]],
  ]);
  assert.match(groups[0]!.sentence, /^n3 crashed at .*term 4$/);
});

test('unreadable anomalies and undecided checks are groups of their own; valid runs are in none', () => {
  const unreadable: StoredChecker = { valid: false, sentence: 'something', stats: {}, raw: { anomalies: ['not an object'] } };
  const undecided: StoredChecker = { valid: 'unknown', reason: 'the search ran out of time', stats: {}, raw: {} };
  const valid: StoredChecker = { valid: true, stats: {}, raw: {} };
  const groups = groupViolations([run(1, { lock: unreadable }), run(2, { 'linearizability:cas-register': undecided }), run(3, { perf: valid })]);
  assert.deepEqual(groups.map((group) => [group.checker, group.shape, group.verdict]), [
    ['lock', UNREADABLE_SHAPE, false],
    ['linearizability:cas-register', UNDECIDED_SHAPE, 'unknown'],
  ]);
});

test('the index page shows each group once with a link to its smallest seed, escaped', () => {
  const hostile = { valid: false as const, sentence: '<script>x</script>', stats: {}, raw: { anomalies: [{ node: 'n1', time: 0, message: '<script>x</script>' }] } };
  const runs = [run(21, { crash: hostile }), run(20, { crash: hostile }), run(22, { perf: { valid: true, stats: {}, raw: {} } })];
  const html = renderIndexPage(runs, { pageDirectory: '/runs' });
  const section = html.slice(html.indexOf('<h2>Distinct failures</h2>'), html.indexOf('<h2>Systems side by side</h2>'));
  assert.match(section, /1 distinct violation/);
  assert.equal(section.match(/<tr><td class="name">/g)?.length, 1);
  assert.match(section, /href="coordinator-zab-20\/report\.html">seed 20</);
  assert.ok(!section.includes('<script>x'), 'anomaly text is escaped');
});

test('every checker that can find a violation names the shapes of its anomalies', () => {
  const named = CHECKER_NAMES.filter(namesShapes);
  assert.deepEqual(CHECKER_NAMES.filter((name) => !named.includes(name)), ['perf']);
  assert.ok(named.includes('linearizability:cas-register') && named.includes('fencing'));
});
