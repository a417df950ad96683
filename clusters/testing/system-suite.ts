/**
 * The System seam's conformance suite: what every system must show on every
 * runtime it supports, through the seam alone: it boots healthy, names one
 * leader in its role samples, speaks each of its workloads' vocabularies with
 * the outcomes the checkers rely on (ok, fail for what certainly did not
 * happen), converges and reads each replica's final state, names the
 * versions that ran, and leaves nothing behind. A system's test file calls
 * defineSystemSuite once per runtime.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RoleSample } from '../../checkers/checker.js';
import { resourcesOfRun } from '../../harness/runtimes/real/test-support.js';
import { runtimeNamed, type BootRequest, type Cluster, type RuntimeName } from '../../harness/runtimes/index.js';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';
import { systemNamed, type Deployment } from '../index.js';

/** Time one call may take here, in the runtime's own time (virtual on the simulator). */
const CALL_TIMEOUT_MS = 15_000;
const LEADER_TIMEOUT_MS = 30_000;

export interface SuiteOptions {
  readMode?: string;
  /** What the runtime's boot needs besides (the ssh runtime's hosts). */
  boot?: Partial<BootRequest>;
  /** What of the run is still on the hosts after teardown; by default the real runtimes' own look. */
  leftovers?: (runId: string) => Promise<string[]>;
}

export function defineSystemSuite(systemName: string, runtimeName: RuntimeName, options: SuiteOptions = {}): void {
  // Each suite boots and tears down its own cluster, one after another.
  describe(`${systemName} on ${runtimeName}`, () => defineSuite(systemName, runtimeName, options));
}

function defineSuite(systemName: string, runtimeName: RuntimeName, options: SuiteOptions): void {
  const system = systemNamed(systemName);
  const runtime = runtimeNamed(runtimeName);
  const label = `${systemName} on ${runtimeName}`;
  const runId = `conformance-${systemName}-${runtimeName}-${process.pid}`;
  let cluster: Cluster | undefined;
  let deployment: Deployment | undefined;
  let openClient: () => WorkloadClient;
  const clients: WorkloadClient[] = [];

  before(async () => {
    cluster = await runtime.boot({ runId, nodes: ['n1', 'n2', 'n3'], seed: 11, runSeconds: 60, ...options.boot });
    cluster.faultControl(undefined, () => 0);
    deployment = await system.setup(cluster, { seed: 11, bugs: [], readMode: options.readMode ?? (system.readModes[0] as { name: string }).name, nodeExecutable: process.execPath, harnessVersion: 'conformance', clockFaults: false });
    const factory = deployment.openClients(11);
    openClient = () => {
      const client = factory();
      clients.push(client);
      return client;
    };
  });

  after(async () => {
    for (const client of clients) client.close();
    await deployment?.close();
    await cluster?.teardown();
  });

  const call = async (client: WorkloadClient, request: OperationRequest): Promise<OperationOutcome> => {
    let outcome: OperationOutcome | undefined;
    client.invoke(request, (done) => (outcome = done));
    const { met } = await (cluster as Cluster).waitUntil(() => outcome !== undefined, CALL_TIMEOUT_MS);
    assert.ok(met, `${label}: ${JSON.stringify(request)} got no answer within ${CALL_TIMEOUT_MS} ms`);
    return outcome as OperationOutcome;
  };

  test(`${label}: boots healthy and its role samples name exactly one leader, the one it reports`, async () => {
    const live = deployment as Deployment;
    if (live.health !== undefined) assert.ok(['n1', 'n2', 'n3'].includes(live.health.leader), `health names leader ${live.health.leader}`);
    const oneLeader = (samples: RoleSample[]): boolean => samples.filter((sample) => sample.role === 'leader').length === 1 && live.leader() !== null;
    // On the simulator the condition must answer at once: it runs between steps.
    const { met } = await (cluster as Cluster).waitUntil(() => {
      const samples = live.sampleRoles(() => 0);
      return samples instanceof Promise ? samples.then(oneLeader) : oneLeader(samples);
    }, LEADER_TIMEOUT_MS);
    assert.ok(met, `${label}: no single leader within ${LEADER_TIMEOUT_MS} ms`);
    const samples = await live.sampleRoles(() => 42);
    assert.deepEqual([...new Set(samples.map((sample) => sample.node))].sort(), ['n1', 'n2', 'n3']);
    assert.ok(samples.every((sample) => sample.time === 42 && Number.isFinite(sample.epoch)));
    assert.equal(samples.find((sample) => sample.role === 'leader')?.node, live.leader());
  });

  if (system.workloads.includes('register')) {
    test(`${label}: register writes, reads and compare-and-sets, a failed cas is fail, replicas converge to the last value`, async () => {
      const client = openClient();
      assert.equal((await call(client, { f: 'write', key: 'r', value: 1 })).type, 'ok');
      assert.deepEqual(pick(await call(client, { f: 'read', key: 'r', value: null })), { type: 'ok', value: 1 });
      assert.equal((await call(client, { f: 'cas', key: 'r', value: [1, 2] })).type, 'ok');
      assert.equal((await call(client, { f: 'cas', key: 'r', value: [1, 3] })).type, 'fail', 'a cas from a value the register does not hold certainly did not happen');
      assert.deepEqual(pick(await call(openClient(), { f: 'read', key: 'r', value: null })), { type: 'ok', value: 2 });
      assert.deepEqual(pick(await call(client, { f: 'read', key: 'never-written', value: null })), { type: 'ok', value: null });
      const live = deployment as Deployment;
      const { met } = await (cluster as Cluster).waitUntil(() => live.converged(new Set()), CALL_TIMEOUT_MS);
      assert.ok(met, `${label}: replicas did not converge`);
      const states = await live.finalRegisters(['r']);
      assert.deepEqual(Object.keys(states).sort(), ['n1', 'n2', 'n3']);
      for (const [node, state] of Object.entries(states)) assert.equal(state['r'], 2, `${node} holds ${JSON.stringify(state)}`);
    });
  }

  if (system.workloads.includes('sequence')) {
    test(`${label}: sequence numbers from two clients are distinct and each client's increase`, async () => {
      const first = openClient();
      const second = openClient();
      const values: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (const client of [first, second]) {
          const outcome = await call(client, { f: 'next', key: 's', value: null });
          assert.equal(outcome.type, 'ok');
          values.push(Number((outcome as { value: unknown }).value));
        }
      }
      assert.equal(new Set(values).size, values.length, `distinct: ${values.join(', ')}`);
      assert.deepEqual([...values].sort((left, right) => left - right), values, `in order of completion: ${values.join(', ')}`);
    });
  }

  if (system.workloads.includes('lock')) {
    test(`${label}: a lock is acquired, entered and released, and a second client gets it after`, async () => {
      const holder = openClient();
      const acquired = await call(holder, { f: 'acquire', key: 'l', value: null });
      assert.equal(acquired.type, 'ok');
      assert.equal((await call(holder, { f: 'enter', key: 'l', value: null })).type, 'ok');
      assert.equal((await call(holder, { f: 'exit', key: 'l', value: null })).type, 'ok');
      assert.equal((await call(holder, { f: 'release', key: 'l', value: null })).type, 'ok');
      const next = openClient();
      assert.equal((await call(next, { f: 'acquire', key: 'l', value: null })).type, 'ok');
      assert.equal((await call(next, { f: 'release', key: 'l', value: null })).type, 'ok');
    });
  }

  test(`${label}: names the versions that ran`, async () => {
    const versions = await (deployment as Deployment).versions();
    assert.ok(Object.keys(versions).length > 0 && Object.values(versions).every((version) => typeof version === 'string' && version !== ''), JSON.stringify(versions));
  });

  test(`${label}: teardown leaves nothing behind and may run twice`, async () => {
    await deployment?.close();
    await cluster?.teardown();
    await cluster?.teardown();
    if (cluster?.hosts.kind === 'processes') assert.deepEqual(await (options.leftovers ?? resourcesOfRun)(runId), []);
  });
}

function pick(outcome: OperationOutcome): { type: string; value?: unknown } {
  return outcome.type === 'ok' ? { type: 'ok', value: outcome.value } : { type: outcome.type };
}
