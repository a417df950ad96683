/**
 * The local runtime's network: one network namespace per node
 * (faultline-<run>-<node>), a veth pair from each to a bridge faultline
 * creates (flt<hash>-br) holding the host's address .1 of a private /24, so
 * the harness reaches every node, and a FORWARD ACCEPT rule for the bridge
 * (Docker sets FORWARD to DROP and makes bridged traffic pass through it).
 * Every step pushes its undo before it runs.
 */
import { runCommand, tryCommand } from '../real/host-commands.js';
import { FORWARD_COMMENT_PREFIX, resourceName, runHash } from '../real/names.js';
import { installPartitionChain, type NamespacedNode } from '../real/network-faults.js';
import { hostPrefixes, pickSubnet } from '../real/subnets.js';
import type { UndoStack } from '../real/undo-stack.js';

const LOCAL_SECOND_OCTET = 202;

export interface LocalNetwork {
  nodes: (NamespacedNode & { namespace: string })[];
}

export function bridgeName(hash: string): string {
  return `flt${hash}-br`;
}

export function forwardRule(bridge: string, runId: string): string[] {
  return ['FORWARD', '-i', bridge, '-o', bridge, '-m', 'comment', '--comment', `${FORWARD_COMMENT_PREFIX}${runId}`, '-j', 'ACCEPT'];
}

/** Deletes a link or namespace that may already be gone (with its namespace, or never made). */
async function removeIfPresent(args: string[]): Promise<void> {
  const result = await tryCommand('ip', args);
  if (result.exitCode !== 0 && !/cannot find|does not exist|no such/i.test(result.stderr)) {
    throw new Error(`ip ${args.join(' ')}: ${result.stderr}`);
  }
}

export async function createLocalNetwork(runId: string, nodeNames: readonly string[], undo: UndoStack): Promise<LocalNetwork> {
  const hash = runHash(runId);
  const subnet = pickSubnet(LOCAL_SECOND_OCTET, hash, await hostPrefixes());
  const bridge = bridgeName(hash);
  const hostAddress = `${subnet.prefix}.1`;

  undo.push(`delete bridge ${bridge}`, () => removeIfPresent(['link', 'del', bridge]));
  await runCommand('ip', ['link', 'add', bridge, 'type', 'bridge']);
  await runCommand('ip', ['addr', 'add', `${hostAddress}/24`, 'dev', bridge]);
  await runCommand('ip', ['link', 'set', bridge, 'up']);

  const rule = forwardRule(bridge, runId);
  undo.push(`delete FORWARD rule for ${bridge}`, async () => {
    const result = await tryCommand('iptables', ['-w', '-D', ...rule]);
    if (result.exitCode !== 0 && !/does a matching rule exist|bad rule/i.test(result.stderr)) throw new Error(result.stderr);
  });
  await runCommand('iptables', ['-w', '-I', ...rule.slice(0, 1), '1', ...rule.slice(1)]);

  const nodes = await Promise.all(
    nodeNames.map((name, index) => createNodeNamespace({ runId, hash, name, index: index + 1, bridge, address: `${subnet.prefix}.${index + 2}` }, undo)),
  );
  return { nodes };
}

interface NamespacePlan {
  runId: string;
  hash: string;
  name: string;
  index: number;
  bridge: string;
  address: string;
}

async function createNodeNamespace(plan: NamespacePlan, undo: UndoStack): Promise<NamespacedNode & { namespace: string }> {
  const namespace = resourceName(plan.runId, plan.name);
  const hostVeth = `flt${plan.hash}-${plan.index}`;
  const peerVeth = `flt${plan.hash}p${plan.index}`;
  undo.push(`delete namespace ${namespace}`, () => removeIfPresent(['netns', 'del', namespace]));
  await runCommand('ip', ['netns', 'add', namespace]);
  undo.push(`delete veth ${hostVeth}`, () => removeIfPresent(['link', 'del', hostVeth]));
  await runCommand('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', peerVeth, 'netns', namespace]);
  await runCommand('ip', ['link', 'set', hostVeth, 'master', plan.bridge, 'up']);
  await runCommand('ip', ['-n', namespace, 'link', 'set', peerVeth, 'name', 'eth0']);
  await runCommand('ip', ['-n', namespace, 'addr', 'add', `${plan.address}/24`, 'dev', 'eth0']);
  await runCommand('ip', ['-n', namespace, 'link', 'set', 'eth0', 'up']);
  await runCommand('ip', ['-n', namespace, 'link', 'set', 'lo', 'up']);
  const node = { name: plan.name, address: plan.address, netnsPath: `/run/netns/${namespace}`, namespace };
  await installPartitionChain(node);
  return node;
}

/** Pids of every process inside a namespace. */
export async function namespacePids(namespace: string): Promise<number[]> {
  const result = await tryCommand('ip', ['netns', 'pids', namespace]);
  if (result.exitCode !== 0) return [];
  return result.stdout.split('\n').map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
}
