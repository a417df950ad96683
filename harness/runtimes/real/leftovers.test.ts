/**
 * A harness killed with SIGKILL leaves its cluster behind, and
 * cleanLeftovers (faultline clean) finds and removes all of it; a harness
 * interrupted with SIGINT tears down and leaves nothing. Real docker, real
 * namespaces, real processes, on both runtimes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { after, test } from 'node:test';
import { pollUntil, tryCommand } from './host-commands.js';
import { cleanLeftovers } from './index.js';
import { processGone, PROJECT_DIRECTORY, resourcesOfRun, TEST_OUTPUT } from './test-support.js';

const children: ChildProcess[] = [];
const runIds: string[] = [];

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  // Whatever a failed test left: cleanLeftovers removes only runs whose owner is gone, which these children are.
  await pollUntil(() => children.every((child) => child.exitCode !== null || child.signalCode !== null), 5_000);
  if (runIds.some(() => true)) await cleanLeftovers();
});

async function bootChild(runtime: 'docker' | 'local', runId: string): Promise<{ child: ChildProcess; output: () => string }> {
  runIds.push(runId);
  const script = fileURLToPath(new URL('./boot-child.js', import.meta.url));
  const child = spawn(process.execPath, [script, runtime, runId, path.join(TEST_OUTPUT, runId), PROJECT_DIRECTORY], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const ready = await pollUntil(() => output.includes('ready') || child.exitCode !== null, 30_000, 50);
  assert.ok(ready && output.includes('ready'), `child did not get ready: ${output}`);
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function nodePids(runtime: 'docker' | 'local', runId: string): Promise<number[]> {
  if (runtime === 'docker') return [];
  const pids: number[] = [];
  for (const node of ['n1', 'n2', 'n3']) {
    const listing = await tryCommand('ip', ['netns', 'pids', `faultline-${runId}-${node}`]);
    pids.push(...listing.stdout.split('\n').filter((line) => line !== '').map(Number));
  }
  return pids;
}

for (const runtime of ['docker', 'local'] as const) {
  test(`${runtime}: a killed harness leaves its cluster behind, and cleanLeftovers removes and reports it`, async () => {
    const runId = `test-killed-${runtime}-${process.pid}`;
    const { child } = await bootChild(runtime, runId);
    const pids = await nodePids(runtime, runId);
    if (runtime === 'local') assert.equal(pids.length, 3);
    child.kill('SIGKILL');
    await exited(child);
    const left = await resourcesOfRun(runId);
    assert.ok(left.length >= (runtime === 'docker' ? 4 : 8), left.join('\n'));

    const wouldRemove = await cleanLeftovers({ dryRun: true });
    assert.deepEqual(await resourcesOfRun(runId), left, 'a dry run removes nothing');
    const removed = await cleanLeftovers();
    for (const line of removed) assert.ok(wouldRemove.includes(line), `${line} was not in the dry run's list`);
    const mine = removed.filter((line) => line.includes(runId) || /interface flt|process /.test(line));
    if (runtime === 'docker') {
      for (const node of ['n1', 'n2', 'n3']) assert.ok(removed.includes(`docker container faultline-${runId}-${node} (running)`), removed.join('\n'));
      assert.ok(removed.includes(`docker network faultline-${runId}`), removed.join('\n'));
    } else {
      assert.equal(mine.filter((line) => line.startsWith('process ')).length, 3, removed.join('\n'));
      assert.equal(mine.filter((line) => line.startsWith('network namespace ')).length, 3, removed.join('\n'));
      assert.ok(mine.some((line) => line.startsWith('iptables rule: ') && line.includes(runId)), removed.join('\n'));
    }
    assert.deepEqual(await resourcesOfRun(runId), []);
    assert.ok(await pollUntil(() => pids.every(processGone), 5_000), 'node processes are gone');
  });

  test(`${runtime}: a SIGINT to a harness mid-run tears everything down`, async () => {
    const runId = `test-interrupted-${runtime}-${process.pid}`;
    const { child, output } = await bootChild(runtime, runId);
    const pids = await nodePids(runtime, runId);
    child.kill('SIGINT');
    await exited(child);
    assert.equal(child.exitCode, 0, output());
    assert.match(output(), /torn down/);
    assert.deepEqual(await resourcesOfRun(runId), []);
    assert.ok(pids.every(processGone), 'node processes are gone');
  });
}
