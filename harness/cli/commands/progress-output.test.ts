/** The progress reporter on a fake clock: plain lines in a CI log, one line in place on a terminal, nothing with --json. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PhaseNotice } from '../../run/phases.js';
import { ProgressReporter } from './progress-output.js';

function stream(isTTY: boolean): { isTTY: boolean; text: string; write(text: string): boolean } {
  return { isTTY, text: '', write(text: string) { this.text += text; return true; } };
}

/** A 35-second real run as the pipeline reports it: phases on the run's clock, ticks every 250 ms. */
function playRun(reporter: ProgressReporter): void {
  reporter.phase({ phase: 'booting', detail: '3 nodes' });
  reporter.phase({ phase: 'healthy', detail: 'leader n2 after 4.2 s' });
  const phases: PhaseNotice[] = [
    { phase: 'warm-up', atMs: 0, detail: '2 s' },
    { phase: 'faults', atMs: 2000, detail: '30 s, nemesis partition' },
    { phase: 'heal', atMs: 32_000 },
    { phase: 'recovery', atMs: 32_400, detail: '3 s' },
    { phase: 'final reads', atMs: 35_400 },
  ];
  for (let nowMs = 0; nowMs <= 36_000; nowMs += 250) {
    while (phases.length > 0 && phases[0]!.atMs! <= nowMs) reporter.phase(phases.shift()!);
    const faults = nowMs >= 5000 && nowMs < 32_000 ? ['partition'] : [];
    reporter.tick(nowMs, 2 * Math.floor(nowMs / 10), faults);
  }
  reporter.phase({ phase: 'checking', detail: '7200 events' });
  reporter.phase({ phase: 'done', detail: 'valid' });
  reporter.clear();
}

const label = 'coordinator-raft seed 7 on local';

test('off a terminal a real run prints a line at each phase and one every 10 s of its clock', () => {
  const output = stream(false);
  playRun(new ProgressReporter({ label, simulated: false, json: false, stream: output }));
  assert.deepEqual(output.text.split('\n'), [
    `faultline: ${label}: booting (3 nodes)`,
    `faultline: ${label}: healthy (leader n2 after 4.2 s)`,
    `faultline: ${label}: 0 s: warm-up (2 s)`,
    `faultline: ${label}: 2 s: faults (30 s, nemesis partition)`,
    `faultline: ${label}: 10 s: 1000 ops, faults: partition`,
    `faultline: ${label}: 20 s: 2000 ops, faults: partition`,
    `faultline: ${label}: 30 s: 3000 ops, faults: partition`,
    `faultline: ${label}: 32 s: heal`,
    `faultline: ${label}: 32 s: recovery (3 s)`,
    `faultline: ${label}: 35 s: final reads`,
    `faultline: ${label}: checking (7200 events)`,
    `faultline: ${label}: done (valid)`,
    '',
  ]);
});

test('--json keeps a CI log quiet, and so does the simulator\'s few-second run', () => {
  for (const options of [{ simulated: false, json: true }, { simulated: true, json: false }]) {
    const output = stream(false);
    playRun(new ProgressReporter({ label, ...options, stream: output }));
    assert.equal(output.text, '', JSON.stringify(options));
  }
});

test('on a terminal the line is rewritten in place and erased at the end, without newlines', () => {
  const output = stream(true);
  playRun(new ProgressReporter({ label, simulated: false, json: false, stream: output }));
  assert.ok(!output.text.includes('\n'));
  assert.ok(output.text.includes(`\r\x1b[K${label}: 12 s, 1200 ops, faults: partition`));
  assert.ok(output.text.includes(`\r\x1b[K${label}: booting (3 nodes)`));
  assert.ok(output.text.endsWith('\r\x1b[K'));
});
