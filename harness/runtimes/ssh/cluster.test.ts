/**
 * The ssh runtime against the Runtime seam's conformance suite, on three
 * local test hosts (network namespaces running sshd), with stand-in node
 * processes started over SSH, plus what only it has: a fault that does not
 * take effect is an infrastructure failure, and logs come from the hosts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { defineRuntimeSuite } from '../testing/runtime-suite.js';
import { PARTITION_CHAIN } from '../real/names.js';
import { realStandIns } from '../real/stand-in-probe.js';
import { waitForPong } from '../real/test-support.js';
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
    test('ssh: a partition that does not drop traffic is an infrastructure failure', async () => {
      const { cluster, probe } = context();
      const checked = cluster.faultControl(undefined, () => 0);
      // Unhook n2's chain behind faultline's back: its DROP rules then never see a packet.
      await inHostNamespace(2, `iptables -w -D INPUT -j ${PARTITION_CHAIN}`);
      try {
        checked.cutLink('n1', 'n2');
        checked.kill('n3');
        await checked.settled();
        const failure = checked.failure() as Error & { code?: string };
        assert.match(failure.message, /cut n1->n2: partition did not drop traffic on n1->n2/);
        assert.equal(failure.code, 'E_INFRASTRUCTURE');
        assert.equal(await probe.isRunning('n3'), false, 'later faults still run');
      } finally {
        await inHostNamespace(2, `iptables -w -I INPUT -j ${PARTITION_CHAIN}`);
        checked.heal();
        checked.restart('n3');
        await checked.settled();
        await waitForPong((cluster.nodes[2] as { address: string }).address);
      }
    });

    test('ssh: logs are fetched from every host', async () => {
      const logs: string[] = [];
      await context().cluster.collectLogs((node, fileName, lines) => logs.push(`${node}/${fileName}: ${lines.join('\n')}`));
      assert.ok(logs.some((line) => line.startsWith('n3/process.log: ') && line.split('listening on').length >= 3), logs.join('\n'));
      assert.ok(logs.some((line) => line.startsWith('n1/process.log: ')));
      assert.notDeepEqual(await context().probe.leftovers(), [], 'the run has processes, a directory and a chain until teardown');
    });
  },
  { ssh: target },
);
