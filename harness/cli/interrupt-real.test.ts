/**
 * Ctrl-C in the middle of a run on a real runtime, as a user presses it: the
 * run stops, heals, stores and checks what it recorded, exits 2, and leaves
 * no container, network, namespace, bridge, iptables rule or process behind.
 * Also: replay of a real run says how far the new history diverged.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanLeftovers } from '../runtimes/real/index.js';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

after(async () => {
  await cleanLeftovers();
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

function historySize(out: string): number {
  const file = join(out, 'latest', 'history.jsonl');
  return existsSync(file) ? statSync(file).size : 0;
}

for (const runtime of ['local', 'docker'] as const) {
  test(`Ctrl-C in the middle of a ${runtime} run stores and checks what it has and leaves nothing behind`, async () => {
    const out = temporaryDirectory(`faultline-interrupt-${runtime}-`);
    const child = spawn(process.execPath, [cli, 'test', '--runtime', runtime, '--time-limit', '60', '--seed', '4', '--nemesis', 'partition,pause', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Mid-run: the cluster is up, ops are flowing and faults have started.
      assert.ok(await waitFor(() => historySize(out) > 20_000, 60_000), `the run never got going: ${output}`);
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000))]);
      assert.equal(code, 2, output);
    } finally {
      child.kill('SIGKILL');
    }
    const results = JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8')) as { valid: unknown; incomplete?: string };
    assert.equal(results.valid, 'unknown');
    assert.match(results.incomplete ?? '', /interrupted/);
    assert.deepEqual(await cleanLeftovers({ dryRun: true }), []);
  });
}

test('replay of a local run re-runs its schedule and says how far the history diverged', () => {
  const out = temporaryDirectory('faultline-replay-local-');
  const faultline = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  const first = faultline('test', '--runtime', 'local', '--time-limit', '5', '--seed', '9', '--nemesis', 'kill', '--out', out);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  const replay = faultline('replay', join(out, 'latest'));
  assert.equal(replay.status, 0, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /ops: \d+ of \d+ stored invocations replayed the same/);
  assert.match(replay.stdout, /faults: the first \d+ of \d+ stored nemesis events replayed the same/);
});
