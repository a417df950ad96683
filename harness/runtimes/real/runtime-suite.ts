/**
 * The real runtimes run the Runtime seam's conformance suite with stand-in
 * processes, plus what only they have: a fault that does not take effect is
 * an infrastructure failure (the runtime verifies each fault), and node logs
 * are collected from the nodes' files. docker/ and local/ run it; ssh/
 * runs the extras with its own hosts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeName } from '../index.js';
import { defineRuntimeSuite, type SuiteContext } from '../testing/runtime-suite.js';
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
  const jump = async (node: string, action: '-D' | '-I'): Promise<void> => {
    await runCommand('nsenter', [`--net=${await netnsPath(node)}`, 'iptables', '-w', action, 'INPUT', '-j', PARTITION_CHAIN]);
  };
  defineRuntimeSuite(runtime, runId, () => realStandIns(runId), (context) => defineRealExtras(runtime, context, jump));
}

/**
 * What every real runtime shows beyond the seam's suite: an unverified fault
 * is an infrastructure failure, and logs come from the nodes' files. jump
 * removes (-D) or restores (-I) the jump from INPUT to a node's chain behind
 * faultline's back.
 */
export function defineRealExtras(runtime: RuntimeName, context: () => SuiteContext, jump: (node: string, action: '-D' | '-I') => Promise<void>): void {
  test(`${runtime}: a partition that does not drop traffic is an infrastructure failure`, async () => {
    const { cluster, probe } = context();
    const checked = cluster.faultControl(undefined, () => 0);
    // Unhook n2's chain behind faultline's back: its DROP rules then never see a packet.
    await jump('n2', '-D');
    try {
      checked.cutLink('n1', 'n2');
      checked.kill('n3');
      await checked.settled();
      const failure = checked.failure() as Error & { code?: string };
      assert.match(failure.message, /cut n1->n2: partition did not drop traffic on n1->n2/);
      assert.equal(failure.code, 'E_INFRASTRUCTURE');
      assert.equal(await probe.isRunning('n3'), false, 'later faults still run');
    } finally {
      await jump('n2', '-I');
      checked.heal();
      checked.restart('n3');
      await checked.settled();
      await waitForPong((cluster.nodes[2] as { address: string }).address);
    }
  });

  test(`${runtime}: a node's files are written and read back on its machine, only inside its data directory`, async () => {
    const { cluster } = context();
    assert.ok(cluster.hosts.kind === 'processes' && cluster.hosts.writeFile !== undefined && cluster.hosts.readFile !== undefined);
    const directory = (cluster.nodes[0] as { dataDirectory: string }).dataDirectory;
    await cluster.hosts.writeFile('n1', `${directory}/conf/node.cfg`, 'a=1\nb=2\n');
    assert.equal(await cluster.hosts.readFile('n1', `${directory}/conf/node.cfg`), 'a=1\nb=2\n');
    assert.equal(await cluster.hosts.readFile('n1', `${directory}/conf/missing.cfg`), undefined);
    await assert.rejects(cluster.hosts.writeFile('n1', `${directory}/../elsewhere.cfg`, 'x'), /not inside the node's data directory/);
  });

  test(`${runtime}: logs are collected from every node's files`, async () => {
    const logs: string[] = [];
    await context().cluster.collectLogs((node, fileName, lines) => logs.push(`${node}/${fileName}: ${lines.join('\n')}`));
    assert.ok(logs.some((line) => line.startsWith('n3/process.log: ') && line.split('listening on').length >= 3), logs.join('\n'));
    assert.notDeepEqual(await context().probe.leftovers(), [], 'the run has resources until teardown');
  });
}
