/**
 * The ssh runtime's cluster: node i runs on host i. Boot connects to every
 * host and checks it (host key, user, sudo, iptables, Node.js) before
 * anything is changed anywhere; then each host gets the run's directory
 * (/tmp/faultline-ssh/<run>, an owner file naming this faultline, one data
 * directory per node) and faultline's iptables chain. Every change pushes its
 * undo first, so teardown (and a boot that fails halfway) removes exactly
 * what the run made: its processes, its chain, its directory.
 */
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { FaultlineError } from '../../../common/errors.js';
import type { BootRequest, Cluster, FaultAbility, NodeProcessSpec, SshTarget } from '../index.js';
import { QueuedFaultControl, type ProcessFaults } from '../real/fault-queue.js';
import { checkedRunId } from '../real/names.js';
import { checkedNodeFile, MAX_NODE_FILE_READ_BYTES } from '../real/node-files.js';
import { hasPartitionChain, installPartitionChain, removePartitionChain, type NamespacedNode } from '../real/network-faults.js';
import { currentOwner } from '../real/owner.js';
import { RealRuntimeCluster } from '../real/runtime-cluster.js';
import type { ClockControl, RealCluster, RealFaultControl, RealNodeInfo } from '../real/types.js';
import { UndoStack } from '../real/undo-stack.js';
import { createWorkDirectory } from '../real/work-directory.js';
import { CodePlacement, type CodePlacementMode } from './code.js';
import { connectHosts, commandLine, quote, type SshHost } from './host.js';
import { fetchLogs, mirrorCrashLogs } from './logs.js';
import { isAlive, killRunProcesses, processState, signalAndWait, startProcess } from './processes.js';

/** Every run's directory on a host lives under this one. */
export const REMOTE_BASE = '/tmp/faultline-ssh';
export const OWNER_FILE = 'owner.json';
/** This machine's directories of crashed nodes' log ends: faultline-ssh-logs-*. */
export const MIRROR_KIND = 'ssh-logs';

interface RemoteNode extends RealNodeInfo {
  host: SshHost;
  network: NamespacedNode;
}

/** What the conformance tests may change: where the code comes from. */
export interface SshBootOptions {
  codePlacement?: CodePlacementMode;
}

export async function bootSsh(request: BootRequest, faults: ReadonlySet<FaultAbility>, options: SshBootOptions = {}): Promise<Cluster> {
  const target = checkedTarget(request);
  const runId = checkedRunId(request.runId);
  const mirror = createWorkDirectory(MIRROR_KIND);
  const undo = new UndoStack();
  try {
    const hosts = await connectHosts(target, process.execPath);
    undo.push('close the SSH connections', async () => hosts.forEach((host) => host.connection.close()));
    const cluster = new SshCluster(runId, request.nodes, hosts, undo, new CodePlacement(`${REMOTE_BASE}/${runId}`, options.codePlacement));
    await cluster.prepare();
    return new RealRuntimeCluster(cluster, mirror, faults, { nodes: cluster.mirrorNodes(mirror), isRunning: (node) => cluster.isRunningWithLogs(node, mirror) });
  } catch (error) {
    await undo.unwind();
    rmSync(mirror, { recursive: true, force: true });
    throw error;
  }
}

function checkedTarget(request: BootRequest): SshTarget {
  const target = request.ssh;
  if (target === undefined || target.hosts.length === 0) {
    throw new FaultlineError('E_USAGE', 'the ssh runtime needs its hosts', { hint: 'pass --ssh-hosts user@host[:port],... (one per node) and --ssh-key FILE; scripts/ssh-test-hosts.sh up 3 makes local ones' });
  }
  const repeated = target.hosts.find((host, index) => target.hosts.indexOf(host) !== index);
  if (repeated !== undefined) throw new FaultlineError('E_USAGE', `--ssh-hosts names ${repeated} twice: each node needs a host of its own`);
  if (target.hosts.length !== request.nodes.length) {
    throw new FaultlineError('E_USAGE', `the ssh runtime runs one node per host: ${request.nodes.length} nodes need ${request.nodes.length} hosts, --ssh-hosts names ${target.hosts.length}`);
  }
  return target;
}

class SshCluster implements RealCluster, ProcessFaults {
  readonly runtime = 'ssh' as const;
  readonly nodes: readonly RemoteNode[];
  private readonly pids = new Map<string, number>();
  private readonly specs = new Map<string, NodeProcessSpec>();

  constructor(
    private readonly runId: string,
    nodeNames: readonly string[],
    hosts: readonly SshHost[],
    private readonly undo: UndoStack,
    private readonly code: CodePlacement,
  ) {
    this.nodes = nodeNames.map((name, index) => {
      const host = hosts[index] as SshHost;
      const network: NamespacedNode = { name, address: host.address, netnsPath: '', run: (command, args, input) => host.run(commandLine(command, args), { privileged: true, ...(input === undefined ? {} : { input }) }) };
      return { name, address: host.address, dataDirectory: `${REMOTE_BASE}/${runId}/${name}`, host, network };
    });
  }

  /** Per host: refuse a chain someone else left, then the run's directory, then the chain; each undo pushed first. */
  async prepare(): Promise<void> {
    const chained = await Promise.all(this.nodes.map(async (node) => ((await hasPartitionChain(node.network)) ? node.host.name : undefined)));
    const busy = chained.filter((name) => name !== undefined);
    if (busy.length > 0) {
      throw new FaultlineError('E_INFRASTRUCTURE', `${busy.join(', ')} already hold faultline's iptables chain: another run uses the host, or a killed run left it behind`, {
        hint: 'run faultline clean --runtime ssh with the same --ssh-hosts and --ssh-key',
      });
    }
    const owner = JSON.stringify({ ...currentOwner(), controller: hostname(), runId: this.runId });
    // One undo for every host, pushed before any host is changed: each host's steps run at once, not one after another.
    this.undo.push('remove the run from the hosts (chain, directories)', async () => void (await Promise.all(this.nodes.map((node) => this.removeFromHost(node)))));
    await Promise.all(
      this.nodes.map(async (node) => {
        // The base is shared like /tmp (sticky, anyone may add): runs of different users on one host do not lock each other out.
        await node.host.run(`{ [ -d ${REMOTE_BASE} ] || { mkdir -p ${REMOTE_BASE}; chmod 1777 ${REMOTE_BASE} 2>/dev/null; }; } && mkdir -p ${quote(node.dataDirectory)} && printf '%s\\n' ${quote(owner)} > ${quote(`${path.posix.dirname(node.dataDirectory)}/${OWNER_FILE}`)}`);
        await installPartitionChain(node.network);
      }),
    );
    // Processes go first at teardown, before their directories.
    this.undo.push('stop node processes', () => this.stopAll());
  }

  /** The chain (none was there before this run) and the node's directory; hosts that share files (the local test hosts) share the run's directory: the last node removes it. */
  private async removeFromHost(node: RemoteNode): Promise<void> {
    await removePartitionChain(node.network);
    const runDirectory = path.posix.dirname(node.dataDirectory);
    await node.host.run(
      `cd ${quote(runDirectory)} 2>/dev/null || exit 0; rm -rf ${quote(node.name)}; [ -z "$(ls -A | grep -v -e '^${OWNER_FILE}$' -e '^project-')" ] && cd / && rm -rf ${quote(runDirectory)}; rmdir ${REMOTE_BASE} 2>/dev/null; true`,
    );
  }

  async start(node: string, spec: NodeProcessSpec): Promise<void> {
    const info = this.node(node);
    this.specs.set(node, spec);
    const pid = await startProcess(info.host, this.runId, info.dataDirectory, await this.code.specOn(info.host, spec));
    this.pids.set(node, pid);
  }

  async writeFile(node: string, file: string, contents: string): Promise<void> {
    const info = this.node(node);
    const resolved = checkedNodeFile(info.dataDirectory, file);
    // Written whole, then renamed: a reader on the host never sees half a file.
    await info.host.run(`mkdir -p ${quote(path.posix.dirname(resolved))} && cat > ${quote(`${resolved}.faultline-new`)} && mv -f ${quote(`${resolved}.faultline-new`)} ${quote(resolved)}`, { input: contents });
  }

  async readFile(node: string, file: string): Promise<string | undefined> {
    const info = this.node(node);
    const result = await info.host.tryRun(`tail -c ${MAX_NODE_FILE_READ_BYTES} ${quote(checkedNodeFile(info.dataDirectory, file))}`, { maxOutputBytes: MAX_NODE_FILE_READ_BYTES });
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  faultControl(clock?: ClockControl): RealFaultControl {
    return new QueuedFaultControl(() => this.nodes.map((node) => node.network), this, clock);
  }

  async isRunning(node: string): Promise<boolean> {
    const pid = this.pids.get(node);
    return pid !== undefined && isAlive(await processState(this.node(node).host, pid));
  }

  /** For the crash watch: a node found down has its logs' ends copied first, so its crash can be read from them. */
  async isRunningWithLogs(node: string, mirror: string): Promise<boolean> {
    const running = await this.isRunning(node);
    if (!running) await mirrorCrashLogs(this.node(node), path.join(mirror, node));
    return running;
  }

  mirrorNodes(mirror: string): RealNodeInfo[] {
    return this.nodes.map((node) => ({ name: node.name, address: node.address, dataDirectory: path.join(mirror, node.name) }));
  }

  async collectLogs(write: (node: string, fileName: string, text: string) => void): Promise<void> {
    // Fetched from every host at once, written in node order.
    const fetched = await Promise.all(this.nodes.map(async (node) => {
      const files: [string, string][] = [];
      await fetchLogs(node, (fileName, text) => files.push([fileName, text]));
      return files;
    }));
    this.nodes.forEach((node, index) => {
      for (const [fileName, text] of fetched[index] ?? []) write(node.name, fileName, text);
    });
  }

  teardown(): Promise<void> {
    return this.undo.unwindOrThrow();
  }

  async kill(node: string): Promise<void> {
    const pid = this.pids.get(node);
    if (pid !== undefined) await signalAndWait(this.node(node).host, pid, 'KILL');
  }

  async restart(node: string): Promise<void> {
    const spec = this.specs.get(node);
    if (spec === undefined) throw new FaultlineError('E_INFRASTRUCTURE', `restart ${node}: it was never started`);
    if (await this.isRunning(node)) return;
    await this.start(node, spec);
    if (!(await this.isRunning(node))) throw new FaultlineError('E_INFRASTRUCTURE', `restart ${node}: the process did not start`);
  }

  async pause(node: string): Promise<void> {
    // A node whose process is down has nothing to freeze, as on the local runtime.
    if (await this.isRunning(node)) await signalAndWait(this.node(node).host, this.pids.get(node) as number, 'STOP');
  }

  async resume(node: string): Promise<void> {
    if (await this.isRunning(node)) await signalAndWait(this.node(node).host, this.pids.get(node) as number, 'CONT');
  }

  /** Kills every process of this run on every host, whatever it spawned too. */
  private async stopAll(): Promise<void> {
    const hosts = [...new Set(this.nodes.map((node) => node.host))];
    await Promise.all(hosts.map((host) => killRunProcesses(host, this.runId)));
  }

  private node(name: string): RemoteNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (node === undefined) throw new FaultlineError('E_USAGE', `no node named ${name} in this cluster`);
    return node;
  }
}
