/**
 * The Runtime seam's conformance suite: what every runtime must show through
 * the seam alone, on a booted 3-node cluster of stand-in nodes: every node
 * reachable, a partition that cuts node-to-node traffic both ways while the
 * harness still reaches every node, a one-way cut, kill and restart, pause
 * and resume, faults stacked on one node, the run's clock and timers, and an
 * idempotent teardown. A probe says how to start stand-ins and ask them
 * things on that runtime (processes on real runtimes, hosts on the
 * simulator); the assertions are the same for all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runtimeNamed, type BootRequest, type Cluster, type RuntimeName, type VerifiedFaultControl } from '../index.js';

/** How a runtime's stand-in nodes are started and asked; every answer waits in the runtime's own time. */
export interface RuntimeProbe {
  startNodes(cluster: Cluster): Promise<void>;
  /** A connection (or request) from one node to another: answered, or not within the probe's timeout. */
  reaches(from: string, to: string): Promise<boolean>;
  /** The harness's own request to a node: 'answered', 'silent' (no answer in time: paused or cut off) or 'refused' (no process). */
  ask(node: string): Promise<'answered' | 'silent' | 'refused'>;
  /** Sends one datagram from one node to another; resolves once it had time to arrive. */
  sendDatagram(from: string, to: string): Promise<void>;
  datagramsReceived(node: string): Promise<number>;
  isRunning(node: string): Promise<boolean>;
  /** After everything is torn down: what of the run is still on the host (nothing, on the simulator). */
  leftovers(): Promise<string[]>;
}

/** What a runtime's own extra tests get: the suite's booted cluster and its fault control. */
export interface SuiteContext {
  cluster: Cluster;
  faults: VerifiedFaultControl;
  probe: RuntimeProbe;
}

/** extra: tests of abilities only this runtime has, run on the same cluster before the teardown test; request: what else the runtime's boot needs (ssh: its hosts). */
export function defineRuntimeSuite(runtimeName: RuntimeName, runId: string, makeProbe: () => RuntimeProbe, extra?: (context: () => SuiteContext) => void, request: Partial<BootRequest> = {}): void {
  describe(`runtime ${runtimeName} (seam conformance)`, () => {
    let cluster: Cluster;
    let faults: VerifiedFaultControl;
    let probe: RuntimeProbe;
    const settle = async (): Promise<void> => {
      await faults.settled();
      assert.equal(faults.failure(), undefined);
    };

    before(async () => {
      const runtime = runtimeNamed(runtimeName);
      cluster = await runtime.boot({ runId, nodes: ['n1', 'n2', 'n3'], seed: 5, runSeconds: 60, ...request });
      probe = makeProbe();
      await probe.startNodes(cluster);
      faults = cluster.faultControl(undefined, () => 0);
    });

    after(async () => cluster?.teardown());

    test(`${runtimeName}: boots the nodes asked for, each reachable from the harness and from every other node`, async () => {
      assert.deepEqual(cluster.nodes.map((node) => node.name), ['n1', 'n2', 'n3']);
      assert.equal(new Set(cluster.nodes.map((node) => node.address)).size, 3);
      for (const node of cluster.nodes) {
        assert.equal(await probe.ask(node.name), 'answered');
        for (const other of cluster.nodes) if (other !== node) assert.equal(await probe.reaches(node.name, other.name), true, `${node.name} -> ${other.name}`);
      }
    });

    test(`${runtimeName}: the run's clock only moves forward and its timers fire in order`, async () => {
      const fired: string[] = [];
      const startMs = cluster.scheduler.nowMs();
      cluster.scheduler.after(40, 'suite', () => fired.push('later'));
      cluster.scheduler.after(10, 'suite', () => fired.push('sooner'));
      const { met } = await cluster.waitUntil(() => fired.length === 2, 5000);
      assert.ok(met, `timers fired: ${fired.join(', ')}`);
      assert.deepEqual(fired, ['sooner', 'later']);
      // Microsecond clocks read in milliseconds may round a hair below.
      assert.ok(cluster.scheduler.nowMs() - startMs >= 39.999, `${cluster.scheduler.nowMs() - startMs} ms passed`);
    });

    test(`${runtimeName}: a partition cuts node-to-node traffic both ways, the harness still reaches all, heal restores it`, async () => {
      faults.partition([['n1'], ['n2', 'n3']]);
      await settle();
      assert.equal(await probe.reaches('n1', 'n2'), false);
      assert.equal(await probe.reaches('n3', 'n1'), false);
      assert.equal(await probe.reaches('n2', 'n3'), true);
      for (const node of cluster.nodes) assert.equal(await probe.ask(node.name), 'answered');
      faults.heal();
      await settle();
      assert.equal(await probe.reaches('n1', 'n2'), true);
      assert.equal(await probe.reaches('n3', 'n1'), true);
    });

    test(`${runtimeName}: a one-way cut drops traffic one way only`, async () => {
      faults.cutLink('n1', 'n2');
      await settle();
      const [n1Before, n2Before] = [await probe.datagramsReceived('n1'), await probe.datagramsReceived('n2')];
      await probe.sendDatagram('n1', 'n2');
      await probe.sendDatagram('n2', 'n1');
      assert.equal(await probe.datagramsReceived('n2'), n2Before, 'n1 -> n2 is cut');
      assert.equal(await probe.datagramsReceived('n1'), n1Before + 1, 'n2 -> n1 still flows');
      faults.heal();
      await settle();
    });

    test(`${runtimeName}: kill stops the node, restart brings it back`, async () => {
      faults.kill('n3');
      await settle();
      assert.equal(await probe.isRunning('n3'), false);
      assert.notEqual(await probe.ask('n3'), 'answered');
      faults.restart('n3');
      await settle();
      assert.equal(await probe.isRunning('n3'), true);
      assert.ok(await answersWithin(cluster, probe, 'n3'), 'the restarted node answers');
    });

    test(`${runtimeName}: pause freezes a node (a request goes unanswered), resume thaws it`, async () => {
      faults.pause('n2');
      await settle();
      assert.equal(await probe.ask('n2'), 'silent');
      faults.resume('n2');
      await settle();
      assert.ok(await answersWithin(cluster, probe, 'n2'), 'the resumed node answers');
    });

    test(`${runtimeName}: a paused node can be partitioned, killed and restarted; resuming it then changes nothing`, async () => {
      faults.pause('n1');
      faults.partition([['n1'], ['n2', 'n3']]);
      faults.kill('n1');
      await settle();
      assert.equal(await probe.isRunning('n1'), false);
      assert.equal(await probe.reaches('n2', 'n1'), false);
      faults.heal();
      faults.restart('n1');
      faults.resume('n1');
      await settle();
      assert.ok(await answersWithin(cluster, probe, 'n1'), 'n1 answers again');
      assert.equal(await probe.reaches('n1', 'n2'), true);
    });

    extra?.(() => ({ cluster, faults, probe }));

    test(`${runtimeName}: teardown may run twice and leaves nothing`, async () => {
      await cluster.teardown();
      await cluster.teardown();
      assert.deepEqual(await probe.leftovers(), []);
    });
  });
}

/** A node just restarted or resumed needs a moment: ask up to twenty times, a quarter second apart in the runtime's own time. */
async function answersWithin(cluster: Cluster, probe: RuntimeProbe, node: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if ((await probe.ask(node)) === 'answered') return true;
    await cluster.waitUntil(() => false, 250);
  }
  return false;
}
