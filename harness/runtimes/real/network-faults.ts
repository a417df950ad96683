/**
 * Partitions on real nodes, shared by the docker and local runtimes. Each
 * node's network namespace has a chain of faultline's own (FAULTLINE, jumped
 * to from INPUT) that drops packets from the nodes cut off from it; a cut
 * from A to B is a DROP of A's address on B. Only node addresses are ever
 * dropped, never the bridge's (host) address, so the harness's clients still
 * reach every node. Commands run from the host through nsenter, which works
 * on a paused container too.
 */
import { FaultlineError } from '../../../common/errors.js';
import { runCommand } from './host-commands.js';
import { PARTITION_CHAIN } from './names.js';

/** A node as the network faults see it: its address and a path to its network namespace. */
export interface NamespacedNode {
  name: string;
  address: string;
  netnsPath: string;
  /** Runs a command in the node's network, as root, where nsenter cannot reach it (a remote host over SSH); returns stdout. */
  run?: (command: string, args: string[], input?: string) => Promise<string>;
}

/** A TCP connect that sees no answer for this long counts as dropped; heal probes that fail retry with longer waits (a loaded host is slow to answer). */
const PROBE_TIMEOUTS_SECONDS = [0.4, 1, 2];
/** Any port does: an open one accepts, a closed one answers RST; only a drop stays silent. */
const PROBE_PORT = 9;

function inNamespace(node: NamespacedNode, command: string, args: string[], input?: string): Promise<string> {
  if (node.run !== undefined) return node.run(command, args, input);
  return runCommand('nsenter', [`--net=${node.netnsPath}`, '--', command, ...args], input === undefined ? {} : { input });
}

/** Creates the node's chain and the jump to it (once, at boot). */
export async function installPartitionChain(node: NamespacedNode): Promise<void> {
  await inNamespace(node, 'iptables-restore', ['-w', '-n'], `*filter\n:${PARTITION_CHAIN} - [0:0]\n-I INPUT -j ${PARTITION_CHAIN}\nCOMMIT\n`);
}

/** Removes the jump to the node's chain and the chain itself (for hosts that outlive the run); a missing chain is fine. */
export async function removePartitionChain(node: NamespacedNode): Promise<void> {
  const script = `while iptables -w -D INPUT -j ${PARTITION_CHAIN} 2>/dev/null; do :; done; iptables -w -F ${PARTITION_CHAIN} 2>/dev/null; iptables -w -X ${PARTITION_CHAIN} 2>/dev/null; ! iptables -w -S ${PARTITION_CHAIN} >/dev/null 2>&1`;
  await inNamespace(node, 'sh', ['-c', script]);
}

/** Whether the node's network already has faultline's chain (another run's, or a killed run's leftover). */
export async function hasPartitionChain(node: NamespacedNode): Promise<boolean> {
  const answer = await inNamespace(node, 'sh', ['-c', `if iptables -w -S ${PARTITION_CHAIN} >/dev/null 2>&1; then echo yes; else echo no; fi`]);
  return answer.trim() === 'yes';
}

/** Replaces the node's rules: packets from these addresses are dropped, the rest flow. */
export async function setDroppedSources(node: NamespacedNode, sources: readonly string[]): Promise<void> {
  const rules = sources.map((source) => `-A ${PARTITION_CHAIN} -s ${source}/32 -j DROP\n`).join('');
  await inNamespace(node, 'iptables-restore', ['-w', '-n'], `*filter\n-F ${PARTITION_CHAIN}\n${rules}COMMIT\n`);
}

/** Whether a TCP connect from inside `from` gets any answer from each target address. */
export async function probeReachable(from: NamespacedNode, targets: readonly string[], timeoutSeconds = PROBE_TIMEOUTS_SECONDS[0] as number): Promise<Map<string, boolean>> {
  const script =
    'for t in "$@"; do ( out=$(timeout ' +
    timeoutSeconds +
    ` bash -c "exec 3<>/dev/tcp/$t/${PROBE_PORT}" 2>&1); echo "$t $? $out" ) & done; wait`;
  const output = await inNamespace(from, 'bash', ['-c', script, 'probe', ...targets]);
  const reachable = new Map<string, boolean>();
  for (const line of output.split('\n')) {
    const [target, code] = line.split(' ');
    if (target === undefined || !targets.includes(target)) continue;
    reachable.set(target, code === '0' || /refused/i.test(line));
  }
  return reachable;
}

/** The directed links a partition cuts: every pair of nodes in different groups, both ways. */
export function partitionLinks(groups: readonly (readonly string[])[]): [string, string][] {
  const links: [string, string][] = [];
  groups.forEach((group, groupIndex) => {
    groups.forEach((other, otherIndex) => {
      if (groupIndex === otherIndex) return;
      for (const from of group) for (const to of other) links.push([from, to]);
    });
  });
  return links;
}

/** The cut links in force, applied to the nodes' chains and verified by probes. */
export class LinkCuts {
  private readonly cut = new Set<string>();

  constructor(private readonly nodes: () => readonly NamespacedNode[]) {}

  async add(links: readonly [string, string][]): Promise<void> {
    for (const [from, to] of links) {
      this.node(from);
      this.node(to);
      if (from !== to) this.cut.add(`${from}>${to}`);
    }
    await this.apply();
    await this.verify(this.links(), false, 1);
  }

  async clear(): Promise<void> {
    const previous = this.links();
    this.cut.clear();
    await this.apply();
    await this.verify(previous, true, PROBE_TIMEOUTS_SECONDS.length);
  }

  links(): [string, string][] {
    return [...this.cut].map((link) => link.split('>') as [string, string]);
  }

  private node(name: string): NamespacedNode {
    const node = this.nodes().find((candidate) => candidate.name === name);
    if (node === undefined) throw new FaultlineError('E_USAGE', `no node named ${name} in this cluster`);
    return node;
  }

  private async apply(): Promise<void> {
    const links = this.links();
    await Promise.all(
      this.nodes().map((node) => setDroppedSources(node, links.filter(([, to]) => to === node.name).map(([from]) => this.node(from).address))),
    );
  }

  /** Probes each link from its source; every one must be reachable (heal) or dropped (cut). */
  private async verify(links: readonly [string, string][], wantReachable: boolean, attempts: number): Promise<void> {
    let wrong = links;
    for (let attempt = 0; attempt < attempts && wrong.length > 0; attempt++) {
      const sources = [...new Set(wrong.map(([from]) => from))];
      const results = await Promise.all(
        sources.map(async (from) => {
          const targets = wrong.filter(([source]) => source === from).map(([, to]) => this.node(to).address);
          return { from, reachable: await probeReachable(this.node(from), targets, PROBE_TIMEOUTS_SECONDS[attempt]) };
        }),
      );
      wrong = wrong.filter(([from, to]) => results.find((result) => result.from === from)?.reachable.get(this.node(to).address) !== wantReachable);
    }
    if (wrong.length > 0) {
      const what = wrong.map(([from, to]) => `${from}->${to}`).join(', ');
      throw new FaultlineError('E_INFRASTRUCTURE', wantReachable ? `heal did not restore traffic on ${what}` : `partition did not drop traffic on ${what}`);
    }
  }
}
