/**
 * The page explains a verdict with the checker's own rule, so the two cannot
 * disagree. Each history below is one where a view that restated the rule
 * drew something other than what the checker judged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputFromEvents, type CheckerResult, type RoleSample } from '../checkers/checker.js';
import { checkLock, holdsOfKey } from '../checkers/lock/index.js';
import { checkPerf } from '../checkers/perf/index.js';
import { checkSequence, describeRanges, type SequenceAnomaly } from '../checkers/sequence/index.js';
import { checkSplitBrain, leaderWrites } from '../checkers/split-brain/index.js';
import type { HistoryEvent } from '../common/history/types.js';
import { secondsText } from './anomalies/common.js';
import { renderRunReport } from './run-report.js';
import type { StoredCheckerResult } from './report-types.js';

type Event = Omit<HistoryEvent, 'index'>;

function indexed(events: readonly Event[]): HistoryEvent[] {
  return events.map((event, index) => ({ ...event, index }) as HistoryEvent);
}

function client(process: number, type: HistoryEvent['type'], f: string, seconds: number, extra: Partial<HistoryEvent> = {}): Event {
  return { time: seconds * 1e9, process, type, f, ...extra };
}

function render(events: HistoryEvent[], checkers: Record<string, CheckerResult>, roles: RoleSample[] = []): string {
  const stored = checkers as Record<string, StoredCheckerResult>;
  const valid = Object.values(checkers).some((result) => result.valid === false) ? false : true;
  return renderRunReport({
    directory: 'runs/agreement',
    config: { system: 'coordinator-raft', workload: 'register', seed: 1 },
    events,
    roles,
    results: { valid, checkers: stored },
    problems: [],
    environment: { nodeVersion: 'v20', chartLibraries: {} },
  });
}

function chartsOf(html: string): Record<string, { data?: { values?: Array<Record<string, unknown>> } }> {
  const embedded = /<script type="application\/json" id="faultline-charts">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(embedded !== null, 'the page embeds its charts');
  return JSON.parse(embedded[1]!) as Record<string, { data?: { values?: Array<Record<string, unknown>> } }>;
}

describe('report views agree with their checkers', () => {
  it('lock: draws the holds the checker found, even when keys are named only on completions', () => {
    // The checker's pairing takes a key from the completion when the invoke has none.
    const events = indexed([
      client(0, 'invoke', 'acquire', 1),
      client(0, 'ok', 'acquire', 1.1, { key: 'a' }),
      client(1, 'invoke', 'acquire', 1.2),
      client(1, 'ok', 'acquire', 1.3, { key: 'a' }),
      client(0, 'invoke', 'release', 2),
      client(0, 'ok', 'release', 2.1, { key: 'a' }),
      client(1, 'invoke', 'release', 3),
      client(1, 'ok', 'release', 3.1, { key: 'a' }),
    ]);
    const input = inputFromEvents(events);
    const result = checkLock(input);
    assert.equal(result.valid, false);
    const holds = holdsOfKey(input.operations, 'a').holds;
    assert.equal(holds.length, 2);
    const html = render(events, { lock: result });
    assert.ok(html.includes('class="chart anomaly-chart"'), 'the overlap is drawn');
    for (const hold of holds) {
      const row = `<tr><td>process ${String(hold.process)}</td><td>${secondsText(hold.startTime! / 1e9)}</td><td>${secondsText(hold.endTime! / 1e9)}</td></tr>`;
      assert.ok(html.includes(row), `the page lists the checker's hold ${row}`);
    }
  });

  it('split-brain: lists the writes the checker attributes, even when the node is named on the invocation', () => {
    const roles: RoleSample[] = [0, 1, 2, 3, 4, 5].flatMap((second) => [
      { time: second * 1e9, node: 'n1', role: 'leader', epoch: 1 },
      { time: second * 1e9, node: 'n2', role: 'leader', epoch: 1 },
    ]);
    const events = indexed([
      client(1, 'invoke', 'write', 1, { key: 'k', value: 7, node: 'n1' }),
      client(1, 'ok', 'write', 1.5, { key: 'k', value: 7 }),
    ]);
    const input = inputFromEvents(events, { roles });
    const result = checkSplitBrain(input);
    assert.equal(result.anomalies[0]?.kind, 'same-epoch');
    const written = leaderWrites(input)('n1', 0, 5);
    assert.equal(written.length, 1, 'the checker counts the write for n1');
    const html = render(events, { 'split-brain': result }, roles);
    assert.ok(html.includes(`<td>write k 7 by process 1</td><td>${secondsText(written[0]!.callSeconds)}</td>`), 'the page lists the write the checker counts');
  });

  it('sequence: names the missing ids in the checker\'s words', () => {
    const ids = [1, 2, 5, 8];
    const events = indexed(ids.flatMap((id, position) => [client(position, 'invoke', 'next', position), client(position, 'ok', 'next', position + 0.5, { value: id })]));
    const result = checkSequence(inputFromEvents(events), { firstId: 1 });
    const gaps = result.anomalies.filter((anomaly): anomaly is Extract<SequenceAnomaly, { kind: 'gap' }> => anomaly.kind === 'gap');
    assert.equal(gaps.length, 2);
    const html = render(events, { sequence: result });
    const cells = [...html.matchAll(/<tr><td>gap<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((match) => match[1]);
    assert.deepEqual(cells, gaps.map((gap) => describeRanges(gap.missing)));
  });

  it('availability: counts each fault window as the perf checker does, up to the last event', () => {
    // A fault never stopped lasts to the end of the history: an op invoked at the very last moment is inside it.
    const events = indexed([
      client(0, 'invoke', 'write', 0.5, { key: 'k', value: 1 }),
      client(0, 'ok', 'write', 0.6, { key: 'k', value: 1 }),
      { time: 1e9, process: 'nemesis', type: 'info', f: 'start-partition', value: { groups: [['n1'], ['n2', 'n3']] } },
      client(1, 'invoke', 'write', 2, { key: 'k', value: 2 }),
    ]);
    const perf = checkPerf(inputFromEvents(events));
    const rows = chartsOf(render(events, { perf }))['chart-availability']?.data?.values ?? [];
    const counted = rows.map((row) => [row.label, row.invoked, row.ok]);
    const expected = [perf.faults![0]!, perf.duringFaults!, perf.outsideFaults!].map((summary) => [summary.invoked, summary.ok]);
    assert.deepEqual(counted.map(([, invoked, ok]) => [invoked, ok]), expected);
    assert.deepEqual(expected, [[1, 0], [1, 0], [1, 1]]);
  });
});
