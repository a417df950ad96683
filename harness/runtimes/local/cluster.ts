/**
 * The local runtime: each node's process runs on this host inside the node's
 * own network namespace (`ip netns exec`, started with execa in its own
 * process group so a Ctrl-C at the terminal reaches only the harness). Kill
 * is SIGKILL (the namespace and its address stay, so clients get RST at once,
 * as with a crashed process on a live machine); pause is SIGSTOP / SIGCONT.
 * Needs root.
 */
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { execa, type Options } from 'execa';
import { FaultlineError } from '../../../common/errors.js';
import { QueuedFaultControl, type ProcessFaults } from '../real/fault-queue.js';
import { pollUntil } from '../real/host-commands.js';
import { checkedRunId, runHash } from '../real/names.js';
import { collectNodeLogs, makeDataDirectory, processAlive, processState, PROCESS_LOG } from '../real/node-files.js';
import { currentOwner, removeRunRecord, writeRunRecord } from '../real/owner.js';
import { UndoStack } from '../real/undo-stack.js';
import type { BootOptions, ClockControl, NodeProcessSpec, RealCluster, RealFaultControl, RealNodeInfo } from '../real/types.js';
import { createLocalNetwork, namespacePids, type LocalNetwork } from './network.js';

const SIGNAL_EFFECT_TIMEOUT_MS = 5_000;

interface RunningProcess {
  pid: number;
  exited: boolean;
}

export async function bootLocal(options: BootOptions): Promise<RealCluster> {
  if (process.getuid?.() !== 0) {
    throw new FaultlineError('E_UNSUPPORTED', 'the local runtime needs root (network namespaces, bridges, iptables)', {
      hint: 'run faultline as root, or use --runtime docker or --runtime sim',
    });
  }
  const runId = checkedRunId(options.runId);
  const undo = new UndoStack();
  try {
    undo.push('remove the run record', async () => removeRunRecord(runId));
    writeRunRecord({ ...currentOwner(), runId, hash: runHash(runId) });
    const network = await createLocalNetwork(runId, options.nodes, undo);
    const cluster = new LocalCluster(network, options.workDirectory, undo);
    undo.push('stop node processes', () => cluster.stopAll());
    return cluster;
  } catch (error) {
    await undo.unwind();
    throw error;
  }
}

class LocalCluster implements RealCluster, ProcessFaults {
  readonly runtime = 'local' as const;
  readonly nodes: readonly RealNodeInfo[];
  private readonly processes = new Map<string, RunningProcess>();
  private readonly specs = new Map<string, NodeProcessSpec>();

  constructor(
    private readonly network: LocalNetwork,
    workDirectory: string,
    private readonly undo: UndoStack,
  ) {
    this.nodes = network.nodes.map((node) => ({ name: node.name, address: node.address, dataDirectory: makeDataDirectory(workDirectory, node.name) }));
  }

  async start(node: string, spec: NodeProcessSpec): Promise<void> {
    if (this.running(node)) throw new FaultlineError('E_INFRASTRUCTURE', `${node} already runs a process`);
    const namespace = this.namespaceOf(node);
    const info = this.info(node);
    this.specs.set(node, spec);
    const log = openSync(path.join(info.dataDirectory, PROCESS_LOG), 'a');
    try {
      // A raw descriptor, not a stream through this process: the node keeps logging if the harness dies. execa's types list only 3-9.
      const descriptor = log as 3;
      const processOptions: Options = { stdin: 'ignore', stdout: descriptor, stderr: descriptor, env: spec.env ?? {}, cwd: info.dataDirectory, detached: true, reject: false };
      const subprocess = execa('ip', ['netns', 'exec', namespace, spec.command, ...spec.args], processOptions);
      if (subprocess.pid === undefined) throw new FaultlineError('E_INFRASTRUCTURE', `could not start ${spec.command} on ${node}`);
      const running: RunningProcess = { pid: subprocess.pid, exited: false };
      subprocess.on('exit', () => (running.exited = true));
      subprocess.catch(() => undefined);
      this.processes.set(node, running);
    } finally {
      closeSync(log);
    }
  }

  faultControl(clock?: ClockControl): RealFaultControl {
    return new QueuedFaultControl(() => this.network.nodes, this, clock);
  }

  async isRunning(node: string): Promise<boolean> {
    this.info(node);
    return this.running(node);
  }

  async collectLogs(write: (node: string, fileName: string, text: string) => void): Promise<void> {
    collectNodeLogs(this.nodes, write);
  }

  teardown(): Promise<void> {
    return this.undo.unwindOrThrow();
  }

  async kill(node: string): Promise<void> {
    const running = this.processes.get(node);
    if (running === undefined || running.exited) return;
    process.kill(running.pid, 'SIGKILL');
    if (!(await pollUntil(() => running.exited, SIGNAL_EFFECT_TIMEOUT_MS))) {
      throw new FaultlineError('E_INFRASTRUCTURE', `kill ${node}: process ${running.pid} still runs ${SIGNAL_EFFECT_TIMEOUT_MS} ms after SIGKILL`);
    }
  }

  async restart(node: string): Promise<void> {
    const spec = this.specs.get(node);
    if (spec === undefined) throw new FaultlineError('E_INFRASTRUCTURE', `restart ${node}: it was never started`);
    if (this.running(node)) return;
    await this.start(node, spec);
    if (!this.running(node)) throw new FaultlineError('E_INFRASTRUCTURE', `restart ${node}: the process did not start`);
  }

  async pause(node: string): Promise<void> {
    const running = this.processes.get(node);
    // A node whose process is down has nothing to freeze (as in docker, where the container still pauses).
    if (running === undefined || running.exited) return;
    process.kill(running.pid, 'SIGSTOP');
    if (!(await pollUntil(() => processState(running.pid) === 'T', SIGNAL_EFFECT_TIMEOUT_MS))) {
      throw new FaultlineError('E_INFRASTRUCTURE', `pause ${node}: process ${running.pid} did not stop after SIGSTOP`);
    }
  }

  async resume(node: string): Promise<void> {
    const running = this.processes.get(node);
    // A node killed while paused has nothing to resume.
    if (running === undefined || running.exited) return;
    process.kill(running.pid, 'SIGCONT');
    if (!(await pollUntil(() => processState(running.pid) !== 'T', SIGNAL_EFFECT_TIMEOUT_MS))) {
      throw new FaultlineError('E_INFRASTRUCTURE', `resume ${node}: process ${running.pid} is still stopped after SIGCONT`);
    }
  }

  /** Kills every process in the nodes' namespaces: the ones started here and any they spawned. */
  async stopAll(): Promise<void> {
    for (const running of this.processes.values()) {
      if (!running.exited) process.kill(running.pid, 'SIGKILL');
    }
    for (const node of this.network.nodes) {
      for (const pid of await namespacePids(node.namespace)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    const pids = [...this.processes.values()].map((running) => running.pid);
    await pollUntil(() => pids.every((pid) => !processAlive(pid)), SIGNAL_EFFECT_TIMEOUT_MS);
  }

  private running(node: string): boolean {
    const running = this.processes.get(node);
    return running !== undefined && !running.exited && processAlive(running.pid);
  }

  private info(node: string): RealNodeInfo {
    const info = this.nodes.find((candidate) => candidate.name === node);
    if (info === undefined) throw new FaultlineError('E_USAGE', `no node named ${node} in this cluster`);
    return info;
  }

  private namespaceOf(node: string): string {
    this.info(node);
    return (this.network.nodes.find((candidate) => candidate.name === node) as { namespace: string }).namespace;
  }
}
