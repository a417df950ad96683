/**
 * faultline test on the ssh runtime, end to end through runTest: a 3-node
 * cluster of each system (the coordinator's two engines, ZooKeeper, etcd) on
 * three local SSH test hosts, under
 * real partitions (iptables on each host) and kills (SIGKILL by pid over
 * SSH): valid verdicts, logs fetched into the run directory, the options in
 * config.json, and nothing left on the hosts; and the code uploaded to a
 * host that does not see this machine's files.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { temporaryDirectory } from '../../../common/testing/temporary-directory.js';
import type { RunConfig } from '../../run/config.js';
import { runTest, type TestRunOutcome } from '../../run/execute.js';
import { FILES } from '../../run/run-store.js';
import { standInSpec, waitForPong } from '../real/test-support.js';
import { leftoversOfRun } from './clean.js';
import { sshRuntime } from './runtime.js';
import { downTestHosts, sshRunConfig, upTestHosts } from './test-hosts.js';

const SET = 2;
const target = upTestHosts(3, SET);
const out = temporaryDirectory('faultline-ssh-runs-');
after(() => downTestHosts(SET));

function faultKinds(directory: string): Set<string> {
  const kinds = new Set<string>();
  for (const match of readFileSync(join(directory, FILES.history), 'utf8').matchAll(/"process":"nemesis","type":"info","f":"start-(\w+)"/g)) kinds.add(match[1] as string);
  return kinds;
}

function explain(outcome: TestRunOutcome): string {
  return JSON.stringify({ report: outcome.report, checkers: outcome.results.checkers }, null, 1).slice(0, 3000);
}

// Both seeds plan a partition and a kill within the 6 s of faults (the plan is a pure function of the config).
for (const [system, seed] of [
  ['coordinator-raft', 21],
  ['coordinator-zab', 22],
  ['zookeeper', 21],
  ['etcd', 22],
] as const) {
  test(`ssh: ${system} under partitions and kills over SSH, valid, logs fetched, nothing left on the hosts`, async () => {
    const outcome = await runTest(sshRunConfig(target, { out, system, nemesis: 'partition,kill', maxActiveFaults: 2 }, seed), new Date(), () => true);
    assert.equal(outcome.report.infrastructureError, undefined, explain(outcome));
    assert.equal(outcome.results.valid, true, explain(outcome));
    assert.ok(outcome.results.ops > 150, `only ${outcome.results.ops} operations`);
    assert.deepEqual([...faultKinds(outcome.directory)].sort(), ['kill', 'partition']);
    const logs = system.startsWith('coordinator') ? ['nodes/n1/node.log', 'nodes/n3/process.log'] : ['nodes/n3/process.log'];
    for (const file of [FILES.history, FILES.results, ...logs]) assert.ok(existsSync(join(outcome.directory, file)), `${file} missing`);
    const recorded = JSON.parse(readFileSync(join(outcome.directory, FILES.config), 'utf8')) as RunConfig;
    assert.deepEqual([recorded.runtime, recorded.sshHosts, recorded.sshAcceptNewHostKeys], ['ssh', target.hosts, false]);
    assert.deepEqual(await leftoversOfRun(target, `${seed}-${process.pid}`), []);
  });
}

test('ssh: a host that does not see this machine\'s files gets the code uploaded, and teardown removes it', async () => {
  const runId = `upload-${process.pid}`;
  const { bootSsh } = await import('./cluster.js');
  const cluster = await bootSsh({ runId, nodes: ['n1', 'n2', 'n3'], seed: 1, runSeconds: 10, ssh: target }, sshRuntime.faults, { codePlacement: 'upload' });
  try {
    assert.equal(cluster.hosts.kind, 'processes');
    if (cluster.hosts.kind !== 'processes') return;
    await cluster.hosts.start('n2', standInSpec());
    await waitForPong((cluster.nodes[1] as { address: string }).address);
    const commandLine = execFileSync('sh', ['-c', `tr '\\0' ' ' < /proc/$(cat ${cluster.nodes[1]?.dataDirectory}/process.pid)/cmdline`], { encoding: 'utf8' });
    assert.match(commandLine, new RegExp(`/tmp/faultline-ssh/${runId}/project-10\\.203\\.${SET}\\.12/dist/harness/runtimes/real/stand-in-node\\.js`));
  } finally {
    await cluster.teardown();
  }
  assert.deepEqual(await leftoversOfRun(target, runId), []);
});

test('ssh: a user that is not root runs the nodes as itself and iptables through sudo -n, and leaves nothing', async () => {
  const runId = `sudo-${process.pid}`;
  const asUser = { ...target, hosts: target.hosts.map((host) => host.replace('root@', 'faultline-sudo@')) };
  const cluster = await sshRuntime.boot({ runId, nodes: ['n1', 'n2', 'n3'], seed: 1, runSeconds: 10, ssh: asUser });
  try {
    if (cluster.hosts.kind !== 'processes') throw new Error('the ssh runtime runs processes');
    const { hosts } = cluster;
    await Promise.all(cluster.nodes.map((node) => hosts.start(node.name, standInSpec())));
    await Promise.all(cluster.nodes.map((node) => waitForPong(node.address)));
    const pid = readFileSync(`${cluster.nodes[0]?.dataDirectory}/process.pid`, 'utf8').trim();
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${execFileSync('id', ['-u', 'faultline-sudo'], { encoding: 'utf8' }).trim()}\\s`, 'm'));
    const faults = cluster.faultControl(undefined, () => 0);
    faults.partition([['n1'], ['n2', 'n3']]);
    faults.kill('n3');
    faults.heal();
    faults.restart('n3');
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    assert.equal(await hosts.isRunning('n3'), true);
  } finally {
    await cluster.teardown();
  }
  assert.deepEqual(await leftoversOfRun(target, runId), []);
});
