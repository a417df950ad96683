/**
 * Both engines without bugs pass every workload under every nemesis: 50 seeds
 * per engine, the workloads taking turns, all four faults with up to two on
 * at once. A false alarm here would make every other verdict worthless.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WORKLOAD_NAMES } from '../../workloads/index.js';
import { resolveConfig } from './config.js';
import { runTest } from './execute.js';

const SEEDS_PER_ENGINE = 50;

for (const system of ['coordinator-raft', 'coordinator-zab'] as const) {
  test(`${system}: ${SEEDS_PER_ENGINE} seeds of every workload under every nemesis, no violation`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-clean-'));
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS_PER_ENGINE; seed++) {
      const workload = WORKLOAD_NAMES[seed % WORKLOAD_NAMES.length]!;
      const config = resolveConfig('test', seed, { system, workload, nemesis: 'all', maxActiveFaults: 2, timeLimitSeconds: 6, out });
      const outcome = await runTest(config, new Date(), () => {});
      if (outcome.results.valid !== true) {
        const bad = Object.entries(outcome.results.checkers).filter(([, result]) => result.valid !== true);
        failures.push(`seed ${seed} ${workload}: ${bad.map(([name, result]) => `${name}: ${result.sentence ?? result.reason}`).join('; ')} (${outcome.directory})`);
      } else {
        rmSync(outcome.directory, { recursive: true, force: true });
      }
    }
    assert.deepEqual(failures, []);
    // Failing runs stay for a person to read; a clean pass leaves nothing.
    rmSync(out, { recursive: true, force: true });
  });
}
