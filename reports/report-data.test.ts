/**
 * The report's data shaping: sampling keeps every fail and info op and caps
 * the rest, fault bands pair starts with stops, aggregates add up, and
 * every value from a history is escaped in the page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromSpans, inputFromEvents } from '../checkers/checker.js';
import { summarizeFaultWindows } from '../checkers/perf/index.js';
import type { HistoryEvent } from '../common/history/types.js';
import { bandData } from './charts/common.js';
import { faultBands, describeFault } from './faults.js';
import { clientOperations, type OperationSpan } from './operations.js';
import { renderRunReport } from './run-report.js';
import type { RunReportInput } from './report-types.js';
import { sampleLatencies } from './sampling.js';
import { availabilityRows, roleSegments, throughputBins } from './series.js';
import { statWords } from './stat-words.js';
import { shellWord, testCommand } from './summary.js';

function span(callSeconds: number, outcome: OperationSpan['outcome'], latencySeconds = 0.003, process = 0): OperationSpan {
  return { process, f: 'write', key: 'k', callSeconds, returnSeconds: callSeconds + latencySeconds, outcome, callIndex: 0, input: 1, output: 1 };
}

function nemesis(time: number, f: string, value: unknown = { target: 'one', nodes: ['n1'] }): HistoryEvent {
  return { index: 0, time: time * 1e9, process: 'nemesis', type: 'info', f, value };
}

describe('latency sampling', () => {
  it('keeps every fail and info op, caps the total, and keeps the slowest ok ops', () => {
    const spans: OperationSpan[] = [];
    for (let position = 0; position < 50_000; position++) spans.push(span(position / 1000, 'ok', 0.001 + (position % 97) / 100_000));
    for (let position = 0; position < 700; position++) spans.push(span(position / 20, position % 2 === 0 ? 'fail' : 'info'));
    spans.push(span(25, 'ok', 3));
    const sample = sampleLatencies(spans, 60, { maxPoints: 3000, maxUncertain: 1000, bins: 100 });
    assert.equal(sample.points.filter((point) => point.outcome !== 'ok').length, 700);
    assert.equal(sample.uncertainShown, 700);
    assert.ok(sample.points.length <= 3000, `${sample.points.length} points`);
    assert.equal(sample.okTotal, 50_001);
    assert.ok(sample.points.some((point) => point.ms === 3000), 'the slowest op is kept');
  });

  it('draws everything when the history is small', () => {
    const spans = [span(1, 'ok'), span(2, 'fail'), span(3, 'info')];
    const sample = sampleLatencies(spans, 5);
    assert.equal(sample.points.length, 3);
    assert.equal(sample.okShown, sample.okTotal);
  });
});

describe('fault bands', () => {
  it('pairs each start with its stop, runs an unstopped fault to the end, and gives faults on at once their own track lanes', () => {
    const events = [
      nemesis(1, 'start-partition', { target: 'isolate-leader', groups: [['n2'], ['n1', 'n3']] }),
      nemesis(2, 'start-kill'),
      nemesis(3, 'stop-partition'),
      nemesis(4, 'stop-kill'),
      nemesis(5, 'start-pause'),
    ];
    const { bands, total } = faultBands(events, 9);
    assert.equal(total, 3);
    assert.deepEqual(bands.map((band) => [band.fault, band.from, band.to, band.open]), [
      ['partition', 1, 3, false],
      ['kill', 2, 4, false],
      ['pause', 5, 9, true],
    ]);
    // 9 s over 900 px: the partition's label runs to ~3.4 s, so the kill (from 2 s) takes lane 1 and the pause (5 s) lane 0 again.
    assert.deepEqual(bandData(bands, 9, 900).map((band) => [band.lane, band.text]), [[0, '#1 partition isolate-leader n2 | n1 n3'], [1, '#2 kill one n1'], [0, '#3 pause one n1 (never stopped)']]);
    assert.equal(bands[0]!.label, 'partition isolate-leader n2 | n1 n3');
    assert.equal(bands[1]!.label, 'kill one n1');
  });

  it('describes grudges, clock changes and unknown faults', () => {
    assert.equal(describeFault('partition', { target: 'bridge', grudge: { n1: ['n2'], n2: ['n1'] } }), 'partition bridge n1✕n2 n2✕n1');
    assert.equal(describeFault('clock', { change: 'drift', skews: { n2: { rate: 1.02 } } }), 'clock drift n2');
    assert.equal(describeFault('disk', null), 'disk');
  });

  it('caps the bands drawn and counts the rest', () => {
    const events: HistoryEvent[] = [];
    for (let second = 0; second < 50; second++) events.push(nemesis(second, 'start-kill'), nemesis(second + 0.5, 'stop-kill'));
    const { bands, total } = faultBands(events, 60, 10);
    assert.equal(bands.length, 10);
    assert.equal(total, 50);
  });
});

describe('aggregates', () => {
  it('stacks throughput by outcome and counts availability inside and outside faults', () => {
    const spans = [span(0.5, 'ok'), span(1.5, 'ok'), span(1.6, 'fail'), span(1.7, 'info'), span(3.5, 'ok')];
    const { binSeconds, bins } = throughputBins(spans, 4, 4);
    assert.equal(binSeconds, 1);
    const second = bins.filter((bin) => bin.from === 1);
    assert.deepEqual(second.map((bin) => [bin.outcome, bin.y0, bin.y1]), [['ok', 0, 1], ['fail', 1, 2], ['info', 2, 3]]);
    const nemesisEvents = [nemesis(1, 'start-kill'), nemesis(2, 'stop-kill')];
    const { bands } = faultBands(nemesisEvents, 4);
    const history = eventsFromSpans(spans.map((one) => ({ process: one.process, f: one.f, callSeconds: one.callSeconds, returnSeconds: one.returnSeconds!, type: one.outcome })));
    const rows = availabilityRows(summarizeFaultWindows(inputFromEvents([...history, ...nemesisEvents])), bands);
    assert.deepEqual(rows.map((row) => [row.kind, row.invoked, row.ok]), [['fault', 3, 1], ['summary', 3, 1], ['summary', 2, 2]]);
  });

  it('merges role samples into segments per node', () => {
    const samples = [0, 1, 2, 3].flatMap((tenth) => [
      { time: tenth * 1e8, node: 'n1', role: tenth < 2 ? 'follower' : 'leader', epoch: tenth < 2 ? 0 : 1 },
      { time: tenth * 1e8, node: 'n2', role: 'follower', epoch: 0 },
    ]);
    const { segments } = roleSegments(samples);
    assert.deepEqual(segments.map((segment) => [segment.node, segment.role, segment.from, segment.to]), [
      ['n1', 'follower', 0, 0.2],
      ['n2', 'follower', 0, 0.3],
      ['n1', 'leader', 0.2, 0.3],
    ]);
  });

  it('keeps an info completion\'s time and counts never-completed ops', () => {
    const events: HistoryEvent[] = [
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'read' },
      { index: 1, time: 2e9, process: 0, type: 'info', f: 'read' },
      { index: 2, time: 3e9, process: 1, type: 'invoke', f: 'write', value: 1 },
    ];
    const { operations, counts, durationSeconds } = clientOperations(events);
    assert.equal(operations[0]!.returnSeconds, 2);
    assert.deepEqual(counts, { total: 2, ok: 0, fail: 0, info: 2, open: 1 });
    assert.equal(durationSeconds, 3);
  });
});

const HOSTILE = '<script>window.pwned=1</script>';

function hostileInput(): RunReportInput {
  const events: HistoryEvent[] = [
    { index: 0, time: 0, process: 0, type: 'invoke', f: 'write', key: HOSTILE, value: HOSTILE },
    { index: 1, time: 1e6, process: 0, type: 'ok', f: 'write', key: HOSTILE, value: HOSTILE },
    { index: 2, time: 2e6, process: 'nemesis', type: 'info', f: 'start-kill', value: { target: HOSTILE, nodes: ['<img src=x onerror=alert(1)>'] } },
  ];
  return {
    directory: `runs/${HOSTILE}`,
    config: { system: HOSTILE, workload: 'register', seed: 1, bugs: [HOSTILE] },
    events,
    roles: [{ time: 0, node: HOSTILE, role: 'leader', epoch: 1 }],
    results: { valid: false, checkers: { [HOSTILE]: { checker: HOSTILE, valid: false, anomalies: [HOSTILE], stats: { [HOSTILE]: HOSTILE }, sentence: HOSTILE } } },
    problems: [HOSTILE],
    environment: { nodeVersion: 'v20', chartLibraries: {} },
  };
}

describe('escaping', () => {
  it('shows every value from a run as text: no markup from a history reaches the page', () => {
    const html = renderRunReport(hostileInput());
    const withoutLibraries = html.replace(/<script data-library="[^"]+">[\s\S]*?<\/script>/g, '');
    assert.ok(!withoutLibraries.includes('<script>window.pwned'), 'a raw <script> from the history is in the page');
    assert.ok(!withoutLibraries.includes('<img src=x'), 'a raw <img> from the history is in the page');
    assert.ok(withoutLibraries.includes('&lt;script&gt;window.pwned=1&lt;/script&gt;'), 'the value is shown as text');
    const charts = /<script type="application\/json" id="faultline-charts">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(charts !== null);
    assert.ok(!charts[1]!.includes('<'), 'chart data cannot close its element');
    assert.ok(JSON.stringify(JSON.parse(charts[1]!)).includes(HOSTILE), 'chart data keeps the value intact for drawing as text');
  });

  it('quotes words for the shell in the commands shown', () => {
    assert.equal(shellWord('runs/latest'), 'runs/latest');
    assert.equal(shellWord("it's here"), `'it'\\''s here'`);
    const command = testCommand({ system: 'coordinator-raft', workload: 'lock', seed: 7, bugs: ['minority-commit'], timeLimitSeconds: 10 });
    assert.equal(command, 'npx faultline test --system coordinator-raft --workload lock --time-limit 10 --bug minority-commit --seed 7');
  });
});

describe('the verdict and stats in words', () => {
  it('says VIOLATION, as the CLI does, and names stats in words rather than internal names', () => {
    const input = hostileInput();
    input.results = {
      valid: false,
      checkers: {
        convergence: { checker: 'convergence', valid: false, anomalies: [], stats: { divergentKeys: 2, checkMs: 4, latencyP99Ms: 7, someNewHTTPStat: 1 }, sentence: 'keys differ' },
        perf: { checker: 'perf', valid: true, anomalies: [], stats: {} },
      },
    };
    const text = renderRunReport(input).replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ');
    assert.match(text, /VIOLATION\s+— a checker found a violation \(convergence\)/);
    assert.doesNotMatch(text, /invalid|INVALID/);
    assert.match(text, /divergent keys 2 · check time \(ms\) 4 · latency p99 \(ms\) 7 · some new http stat 1/);
    assert.doesNotMatch(text, /divergentKeys/);
  });

  it('turns any camelCase stat name into words, with Ms read as the unit', () => {
    assert.equal(statWords('divergentKeys'), 'divergent keys');
    assert.equal(statWords('overlappingLeaderships'), 'overlapping leaderships');
    assert.equal(statWords('latencyMaxMs'), 'latency max (ms)');
    assert.equal(statWords('parseXMLFile'), 'parse xml file');
    assert.equal(statWords('Ms'), 'ms');
    assert.equal(statWords('holds'), 'holds');
    assert.equal(statWords('checkMs'), 'check time (ms)');
  });
});

describe('results of unexpected shape', () => {
  it('still renders, falling back to each checker\'s sentence', () => {
    const input = hostileInput();
    input.results = {
      valid: false,
      checkers: {
        'linearizability:cas-register': { checker: 'linearizability:cas-register', valid: false, anomalies: [{ operation: { process: 1 } }], stats: {}, sentence: 'odd counterexample' },
        lock: { checker: 'lock', valid: false, anomalies: [{ kind: 'overlap', processes: [1, 2], key: 'a', from: {}, to: null }], stats: {}, sentence: 'odd overlap' },
        sequence: { checker: 'sequence', valid: false, anomalies: undefined as unknown as unknown[], stats: {}, sentence: 'no anomalies array' },
      },
    };
    const html = renderRunReport(input);
    for (const sentence of ['odd counterexample', 'odd overlap', 'no anomalies array']) assert.ok(html.includes(sentence), sentence);
  });
});
