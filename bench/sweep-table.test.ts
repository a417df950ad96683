import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, classify, formatTable, type SweepRun } from './sweep-table.js';

test('a run counts as crashed when a node crashed, whatever else it shows; otherwise by its verdict', () => {
  const crashed = classify({
    valid: false,
    incomplete: 'the run stopped when n1 crashed',
    checkers: {
      'linearizability:cas-register': { valid: true },
      convergence: { valid: 'unknown', reason: 'no final states' },
      crash: { valid: false, sentence: 'n1 crashed at 22.24 s: AssertionError: boom' },
    },
  });
  assert.equal(crashed.outcome, 'crashed');
  assert.deepEqual(crashed.findings, [
    { checker: 'crash', sentence: 'n1 crashed at 22.24 s: AssertionError: boom' },
    { checker: 'convergence', sentence: 'no final states' },
  ]);
  assert.equal(classify({ valid: true, checkers: { lock: { valid: true } } }).outcome, 'valid');
  assert.deepEqual(classify({ valid: false, checkers: { lock: { valid: false, sentence: 'two holders' }, perf: { valid: 'unknown', reason: 'few ops' } } }), {
    outcome: 'violation',
    findings: [
      { checker: 'lock', sentence: 'two holders' },
      { checker: 'perf', sentence: 'few ops' },
    ],
  });
  // Unknown with every checker valid: the run itself was cut short, and says why.
  assert.deepEqual(classify({ valid: 'unknown', incomplete: 'the run stopped early', checkers: { lock: { valid: true } } }), {
    outcome: 'unknown',
    findings: [{ checker: 'run', sentence: 'the run stopped early' }],
  });
});

function run(system: string, workload: string, seed: number, outcome: SweepRun['outcome'], wallMs: number, sentence = ''): SweepRun {
  return { system, workload, seed, outcome, wallMs, findings: outcome === 'valid' ? [] : [{ checker: outcome === 'crashed' ? 'crash' : 'lock', sentence }] };
}

test('the figures per combination: counts, runs per minute of one core, and the seeds that were not valid in seed order', () => {
  const runs = [
    run('coordinator-raft', 'lock', 7, 'violation', 4000, 'two holders at 3.1 s'),
    run('coordinator-raft', 'lock', 5, 'valid', 2000),
    run('coordinator-raft', 'lock', 6, 'crashed', 6000, 'n2 crashed at 9.00 s: AssertionError: x'),
    run('coordinator-zab', 'lock', 5, 'valid', 3000),
    run('coordinator-zab', 'lock', 6, 'error', 1000, 'worker ended'),
    run('coordinator-zab', 'sequence', 5, 'valid', 1000),
  ];
  const rows = aggregate(runs, [
    { system: 'coordinator-raft', workload: 'lock' },
    { system: 'coordinator-zab', workload: 'lock' },
    { system: 'coordinator-raft', workload: 'register' },
  ]);
  assert.equal(rows.length, 3, 'runs of a combination not asked for are left out');
  const [raft, zab, empty] = rows;
  assert.deepEqual(raft!.counts, { valid: 1, violation: 1, unknown: 0, crashed: 1, error: 0 });
  assert.equal(raft!.runs, 3);
  assert.equal(raft!.runsPerMinute, 15, '3 runs in 12 s of one core');
  assert.deepEqual(raft!.notValid.map((notValid) => notValid.seed), [6, 7]);
  assert.deepEqual(zab!.counts, { valid: 1, violation: 0, unknown: 0, crashed: 0, error: 1 });
  assert.equal(zab!.runsPerMinute, 30);
  assert.equal(empty!.runs, 0);
  assert.equal(empty!.runsPerMinute, 0);
  const table = formatTable(rows).split('\n');
  assert.match(table[0]!, /^system\s+workload\s+runs\s+valid\s+violation\s+unknown\s+crashed\s+errors\s+runs\/min\/core$/);
  assert.match(table[1]!, /^coordinator-raft\s+lock\s+3\s+1\s+1\s+0\s+1\s+0\s+15\.0$/);
  assert.ok(table.includes('coordinator-raft lock: 2 of 3 runs not valid'));
  assert.ok(table.includes('  seed 6  crashed    crash: n2 crashed at 9.00 s: AssertionError: x'));
  assert.ok(table.includes('  seed 7  violation  lock: two holders at 3.1 s'));
  assert.ok(table.includes('  seed 6  error      lock: worker ended'));
});
