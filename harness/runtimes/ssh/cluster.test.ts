/**
 * The ssh runtime against the Runtime seam's conformance suite, on three
 * local test hosts (network namespaces running sshd), with stand-in node
 * processes started over SSH, plus what only it has: a fault that does not
 * take effect is an infrastructure failure, and logs come from the hosts.
 */
import { execFileSync } from 'node:child_process';
import { after } from 'node:test';
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
  (context) => defineRealExtras('ssh', context, (node, action) => inHostNamespace(Number(node.slice(1)), `iptables -w ${action} INPUT -j ${PARTITION_CHAIN}`)),
  { ssh: target },
);
