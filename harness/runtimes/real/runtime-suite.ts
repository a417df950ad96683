/**
 * The real runtimes run the Runtime seam's conformance suite with stand-in
 * processes, plus what only they have: a fault that does not take effect is
 * an infrastructure failure (the runtime verifies each fault), and node logs
 * are collected from the nodes' files. docker/ and local/ run it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineRuntimeSuite } from '../testing/runtime-suite.js';
import { runCommand } from './host-commands.js';
import { PARTITION_CHAIN } from './names.js';
import { realStandIns } from './stand-in-probe.js';
import { waitForPong } from './test-support.js';

export function defineRealRuntimeSuite(runtime: 'docker' | 'local'): void {
  const runId = `test-${runtime}-${process.pid}`;
  const netnsPath = async (name: string): Promise<string> => {
    if (runtime === 'local') return `/run/netns/faultline-${runId}-${name}`;
    const pid = await runCommand('docker', ['inspect', '-f', '{{.State.Pid}}', `faultline-${runId}-${name}`]);
    return `/proc/${pid}/ns/net`;
  };
  defineRuntimeSuite(runtime, runId, () => realStandIns(runId), (context) => {
    test(`${runtime}: a partition that does not drop traffic is an infrastructure failure`, async () => {
      const { cluster, probe } = context();
      const checked = cluster.faultControl(undefined, () => 0);
      const path = await netnsPath('n2');
      // Unhook n2's chain behind faultline's back: its DROP rules then never see a packet.
      await runCommand('nsenter', [`--net=${path}`, 'iptables', '-w', '-D', 'INPUT', '-j', PARTITION_CHAIN]);
      try {
        checked.cutLink('n1', 'n2');
        checked.kill('n3');
        await checked.settled();
        const failure = checked.failure() as Error & { code?: string };
        assert.match(failure.message, /cut n1->n2: partition did not drop traffic on n1->n2/);
        assert.equal(failure.code, 'E_INFRASTRUCTURE');
        assert.equal(await probe.isRunning('n3'), false, 'later faults still run');
      } finally {
        await runCommand('nsenter', [`--net=${path}`, 'iptables', '-w', '-I', 'INPUT', '-j', PARTITION_CHAIN]);
        checked.heal();
        checked.restart('n3');
        await checked.settled();
        await waitForPong((cluster.nodes[2] as { address: string }).address);
      }
    });

    test(`${runtime}: logs are collected from every node's files`, async () => {
      const logs: string[] = [];
      await context().cluster.collectLogs((node, fileName, lines) => logs.push(`${node}/${fileName}: ${lines.join('\n')}`));
      assert.ok(logs.some((line) => line.startsWith('n3/process.log: ') && line.split('listening on').length >= 3), logs.join('\n'));
      assert.notDeepEqual(await context().probe.leftovers(), [], 'the run has resources until teardown');
    });
  });
}
