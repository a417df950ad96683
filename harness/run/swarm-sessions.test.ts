/** Swarm lock runs on the bundled coordinator draw their session timeout; other runs, and runs that set one, keep theirs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from './config.js';
import { DRAWN_SESSION_TIMEOUT_MS } from './swarm-sessions.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

test('a swarm lock run on the coordinator draws a session timeout in range, the same for the same seed', () => {
  const drawn = SEEDS.map((seed) => resolveConfig('test', seed, { workload: 'lock', nemesis: 'all', swarm: true }).sessionTimeoutMs);
  for (const timeoutMs of drawn) {
    assert.ok(timeoutMs !== undefined && timeoutMs >= DRAWN_SESSION_TIMEOUT_MS.min && timeoutMs <= DRAWN_SESSION_TIMEOUT_MS.max, `drew ${timeoutMs}`);
  }
  assert.ok(new Set(drawn).size > 1, 'the seeds draw different timeouts');
  assert.equal(resolveConfig('test', 1, { workload: 'lock', nemesis: 'all', swarm: true }).sessionTimeoutMs, drawn[0]);
});

test('a register run, a run without swarm and a run that sets its timeout draw none', () => {
  assert.equal(resolveConfig('test', 1, { workload: 'register', nemesis: 'all', swarm: true }).sessionTimeoutMs, undefined);
  assert.equal(resolveConfig('test', 1, { workload: 'lock', nemesis: 'all' }).sessionTimeoutMs, undefined);
  assert.equal(resolveConfig('test', 1, { workload: 'lock', nemesis: 'all', swarm: true, sessionTimeoutMs: 4000 }).sessionTimeoutMs, 4000);
});
