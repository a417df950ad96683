/**
 * The ssh runtime against the Runtime seam's conformance suite, on three
 * local test hosts (network namespaces running sshd), with stand-in node
 * processes started over SSH, plus what only it has: a fault that does not
 * take effect is an infrastructure failure, files and logs come from the
 * hosts, and a dropped connection is reopened.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { defineRuntimeSuite } from '../testing/runtime-suite.js';
import { PARTITION_CHAIN } from '../real/names.js';
import { realStandIns } from '../real/stand-in-probe.js';
import { defineRealExtras } from '../real/runtime-suite.js';
import { leftoversOfRun } from './clean.js';
import { downTestHosts, upTestHosts } from './test-hosts.js';

const SET = 1;
const target = upTestHosts(3, SET);
const runId = `test-ssh-${process.pid}`;
after(() => downTestHosts(SET));

/** Runs a root command on a test host behind faultline's back. */
async function inHostNamespace(index: number, script: string): Promise<void> {
  execFileSync('ip', ['netns', 'exec', `fltssh${SET}-h${index}`, 'sh', '-c', script]);
}

defineRuntimeSuite(
  'ssh',
  runId,
  () => ({ ...realStandIns(runId), leftovers: () => leftoversOfRun(target, runId) }),
  (context) => {
    defineRealExtras('ssh', context, (node, action) => inHostNamespace(Number(node.slice(1)), `iptables -w ${action} INPUT -j ${PARTITION_CHAIN}`));

    test('ssh: a dropped connection is reopened on the next command, and the node process lives on', async () => {
      const { cluster, probe } = context();
      const listener = readFileSync(`${target.directory}/h1.pid`, 'utf8').trim();
      // Every sshd of host 1 but the listener serves a connection: killing them drops faultline's.
      const sessions = execFileSync('ip', ['netns', 'pids', `fltssh${SET}-h1`], { encoding: 'utf8' })
        .split('\n')
        .filter((pid) => pid !== '' && pid !== listener && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd');
      assert.ok(sessions.length > 0, 'faultline holds a connection to host 1');
      for (const pid of sessions) process.kill(Number(pid), 'SIGKILL');
      assert.equal(await probe.isRunning('n1'), true);
      assert.equal(await probe.ask('n1'), 'answered');
      assert.ok(cluster.nodes.length === 3);
    });
  },
  { ssh: target },
);
