/**
 * `faultline clean` and the temporary node data directories: a killed run's is
 * listed (--dry-run) and removed, a live run's and every directory that is not
 * faultline's stay. The CLI runs with its own TMPDIR, on real directories.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../../common/testing/temporary-directory.js';
import { pollUntil } from '../../runtimes/real/host-commands.js';
import { processStartTime } from '../../runtimes/real/owner.js';
import { createWorkDirectory, WORK_OWNER_FILE } from '../../runtimes/real/work-directory.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));

function faultline(temporary: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [main, ...args], { timeout: 60_000, env: { ...process.env, TMPDIR: temporary } }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    ),
  );
}

/** The owner of a process that has ended: its pid and the start time it had. */
async function goneOwner(): Promise<{ pid: number; startTime: string }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const pid = child.pid!;
  const startTime = processStartTime(pid);
  assert.ok(startTime !== undefined, 'the child is running');
  child.kill('SIGKILL');
  assert.ok(await pollUntil(() => child.exitCode !== null || child.signalCode !== null, 5_000, 20), 'the child ended');
  return { pid, startTime };
}

test('faultline clean removes a killed run\'s data directory and leaves a live run\'s and unrelated ones', async () => {
  const temporary = temporaryDirectory('faultline-clean-tmp-');
  const live = createWorkDirectory('run', temporary);
  mkdirSync(path.join(live, 'n1'));
  const killed = createWorkDirectory('run', temporary);
  mkdirSync(path.join(killed, 'n1'));
  writeFileSync(path.join(killed, 'n1', 'node.log'), 'leader n1\n');
  const owner = await goneOwner();
  writeFileSync(path.join(killed, WORK_OWNER_FILE), JSON.stringify(owner));
  const unrelated = path.join(temporary, 'faultline-history-abc123');
  mkdirSync(unrelated);
  const other = path.join(temporary, 'someone-else');
  mkdirSync(other);

  const dryRun = await faultline(temporary, 'clean', '--dry-run');
  assert.equal(dryRun.code, 0, dryRun.stderr);
  assert.ok(dryRun.stdout.includes(`temporary directory ${killed} (its faultline, pid ${owner.pid}, is gone)`), dryRun.stdout);
  for (const kept of [live, unrelated, other]) assert.ok(!dryRun.stdout.includes(kept), `${kept} not listed`);
  assert.ok(existsSync(killed), 'a dry run removes nothing');

  const clean = await faultline(temporary, 'clean');
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /^removed:\n/);
  assert.ok(clean.stdout.includes(`temporary directory ${killed}`), clean.stdout);
  assert.equal(existsSync(killed), false, 'the killed run\'s directory is gone');
  for (const kept of [live, path.join(live, WORK_OWNER_FILE), unrelated, other]) assert.ok(existsSync(kept), `${kept} stays`);
});
