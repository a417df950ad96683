/**
 * The behaviour every real runtime must show, as node:test tests on a real
 * 3-node cluster of stand-in processes: reachability, partitions (both ways
 * and one way) that spare the host, kill and restart, pause and resume,
 * faults that fail their verification, logs, and a teardown that leaves
 * nothing. docker/ and local/ run it against their runtime.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCommand } from './host-commands.js';
import { bootRuntime, type RealCluster, type RealFaultControl } from './index.js';
import { PARTITION_CHAIN } from './names.js';
import { ask, PROJECT_DIRECTORY, resourcesOfRun, STAND_IN_PORT, standInSpec, TEST_OUTPUT, waitForPong } from './test-support.js';

const CONNECT_TIMEOUT_MS = 400;

export function defineRuntimeSuite(runtime: 'docker' | 'local'): void {
  const runId = `test-${runtime}-${process.pid}`;
  const workDirectory = path.join(TEST_OUTPUT, runId);
  let cluster: RealCluster | undefined;
  let faults: RealFaultControl;

  const nodes = (): RealCluster['nodes'] => (cluster as RealCluster).nodes;
  const address = (name: string): string => (nodes().find((node) => node.name === name) as { address: string }).address;
  const connectFrom = (from: string, to: string): Promise<string> => ask(address(from), `tcp ${address(to)} ${STAND_IN_PORT} ${CONNECT_TIMEOUT_MS}`);
  const netnsPath = async (name: string): Promise<string> => {
    if (runtime === 'local') return `/run/netns/faultline-${runId}-${name}`;
    const pid = await runCommand('docker', ['inspect', '-f', '{{.State.Pid}}', `faultline-${runId}-${name}`]);
    return `/proc/${pid}/ns/net`;
  };

  before(async () => {
    rmSync(workDirectory, { recursive: true, force: true });
    const started = Date.now();
    cluster = await bootRuntime(runtime, { runId, nodes: ['n1', 'n2', 'n3'], workDirectory, mounts: [PROJECT_DIRECTORY] });
    const booted = Date.now();
    await Promise.all(nodes().map((node) => (cluster as RealCluster).start(node.name, standInSpec())));
    await Promise.all(nodes().map((node) => waitForPong(node.address)));
    process.stdout.write(`# ${runtime}: 3 nodes booted in ${booted - started} ms, stand-in processes answering after ${Date.now() - started} ms\n`);
    faults = cluster.faultControl();
  });

  after(async () => {
    await cluster?.teardown();
  });

  test(`${runtime}: the host reaches every node and every node reaches the others`, async () => {
    assert.equal(new Set(nodes().map((node) => node.address)).size, 3);
    for (const node of nodes()) {
      assert.equal(await ask(node.address, 'ping'), 'pong');
      for (const other of nodes()) if (other !== node) assert.equal(await connectFrom(node.name, other.name), 'connected');
    }
  });

  test(`${runtime}: a partition cuts node-to-node traffic both ways, the host still reaches all, heal restores it`, async () => {
    faults.partition([['n1'], ['n2', 'n3']]);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await connectFrom('n1', 'n2'), 'timeout');
    assert.equal(await connectFrom('n3', 'n1'), 'timeout');
    assert.equal(await connectFrom('n2', 'n3'), 'connected');
    for (const node of nodes()) assert.equal(await ask(node.address, 'ping'), 'pong');
    faults.heal();
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await connectFrom('n1', 'n2'), 'connected');
    assert.equal(await connectFrom('n3', 'n1'), 'connected');
  });

  test(`${runtime}: a one-way cut drops datagrams one way only`, async () => {
    const count = async (name: string): Promise<number> => Number(await ask(address(name), 'udp-count'));
    faults.cutLink('n1', 'n2');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    const [n1Before, n2Before] = [await count('n1'), await count('n2')];
    assert.equal(await ask(address('n1'), `udp ${address('n2')} ${STAND_IN_PORT}`), 'sent');
    assert.equal(await ask(address('n2'), `udp ${address('n1')} ${STAND_IN_PORT}`), 'sent');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(await count('n2'), n2Before, 'n1 -> n2 is cut');
    assert.equal(await count('n1'), n1Before + 1, 'n2 -> n1 still flows');
    assert.equal(await ask(address('n2'), 'ping'), 'pong');
    faults.heal();
    await faults.settled();
    assert.equal(faults.failure(), undefined);
  });

  test(`${runtime}: kill stops the process (SIGKILL), restart brings it back with the same spec`, async () => {
    const live = cluster as RealCluster;
    faults.kill('n3');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await live.isRunning('n3'), false);
    assert.equal(await ask(address('n3'), 'ping'), 'ERROR ECONNREFUSED');
    faults.restart('n3');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await live.isRunning('n3'), true);
    await waitForPong(address('n3'));
  });

  test(`${runtime}: pause freezes the process (a request hangs), resume thaws it`, async () => {
    faults.pause('n2');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await ask(address('n2'), 'ping', 700), 'TIMEOUT');
    faults.resume('n2');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await ask(address('n2'), 'ping'), 'pong');
  });

  test(`${runtime}: a paused node can be partitioned, killed and restarted; resuming it then changes nothing`, async () => {
    faults.pause('n1');
    faults.partition([['n1'], ['n2', 'n3']]);
    faults.kill('n1');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await (cluster as RealCluster).isRunning('n1'), false);
    assert.equal(await connectFrom('n2', 'n1'), 'timeout');
    faults.heal();
    faults.restart('n1');
    faults.resume('n1');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    await waitForPong(address('n1'));
    assert.equal(await connectFrom('n1', 'n2'), 'connected');
  });

  test(`${runtime}: a partition that does not drop traffic is an infrastructure failure`, async () => {
    const checked = (cluster as RealCluster).faultControl();
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
      assert.equal(await (cluster as RealCluster).isRunning('n3'), false, 'later faults still run');
    } finally {
      await runCommand('nsenter', [`--net=${path}`, 'iptables', '-w', '-I', 'INPUT', '-j', PARTITION_CHAIN]);
      checked.heal();
      checked.restart('n3');
      await checked.settled();
      await waitForPong(address('n3'));
    }
  });

  test(`${runtime}: logs are collected and teardown leaves nothing`, async () => {
    const logs: string[] = [];
    await (cluster as RealCluster).collectLogs((node, fileName, text) => logs.push(`${node}/${fileName}: ${text}`));
    assert.ok(logs.some((line) => line.startsWith('n3/process.log: ') && line.split('listening on').length >= 3), logs.join('\n'));
    assert.notDeepEqual(await resourcesOfRun(runId), []);
    const started = Date.now();
    await (cluster as RealCluster).teardown();
    process.stdout.write(`# ${runtime}: teardown in ${Date.now() - started} ms\n`);
    await (cluster as RealCluster).teardown();
    assert.deepEqual(await resourcesOfRun(runId), []);
  });
}
