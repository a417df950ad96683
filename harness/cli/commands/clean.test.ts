/** `faultline clean` on the command line: lists (--dry-run) and then removes what a SIGKILLed harness left, and says so. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { pollUntil } from '../../runtimes/real/host-commands.js';
import { cleanLeftovers } from '../../runtimes/real/index.js';
import { PROJECT_DIRECTORY, resourcesOfRun, TEST_OUTPUT } from '../../runtimes/real/test-support.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const bootChild = fileURLToPath(new URL('../../runtimes/real/boot-child.js', import.meta.url));

function faultline(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [main, ...args], { timeout: 30_000 }, (error, stdout) => resolve({ code: error === null ? 0 : Number(error.code), stdout })),
  );
}

after(async () => {
  await cleanLeftovers();
});

test('faultline clean --dry-run lists a killed run\'s leftovers, faultline clean removes them', async () => {
  const runId = `test-cli-clean-${process.pid}`;
  const child = spawn(process.execPath, [bootChild, 'local', runId, path.join(TEST_OUTPUT, runId), PROJECT_DIRECTORY], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  assert.ok(await pollUntil(() => output.includes('ready'), 20_000, 50), 'the child booted');
  child.kill('SIGKILL');
  await pollUntil(() => child.signalCode !== null, 5_000);

  const dryRun = await faultline('clean', '--dry-run');
  assert.equal(dryRun.code, 0);
  assert.match(dryRun.stdout, /^would remove:\n/);
  assert.match(dryRun.stdout, new RegExp(`network namespace faultline-${runId}-n1`));
  assert.notDeepEqual(await resourcesOfRun(runId), []);

  const clean = await faultline('clean');
  assert.equal(clean.code, 0);
  assert.match(clean.stdout, /^removed:\n/);
  assert.match(clean.stdout, new RegExp(`process \\d+ in faultline-${runId}-n2: .*stand-in-node`));
  assert.deepEqual(await resourcesOfRun(runId), []);
});
