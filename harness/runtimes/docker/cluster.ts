/**
 * The docker runtime. Each node is a container whose main process is
 * `sleep infinity`; the node's process is started with a detached docker exec
 * and known by its host pid. Why not one container per node process: a
 * killed process then takes its container's network namespace with it, so
 * the node's address vanishes (clients wait out SYN timeouts instead of
 * getting RST, as after a real process crash on a live machine) and the
 * partition rules inside it are lost on restart. With exec, kill is a
 * SIGKILL to that one process, restart is a new exec with the same spec,
 * the namespace, address and rules stay, and the behaviour matches the
 * local runtime. Pause is `docker pause` (the cgroup freezer), which
 * freezes the node process with everything else in the container.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { FaultlineError } from '../../../common/errors.js';
import { QueuedFaultControl, type ProcessFaults } from '../real/fault-queue.js';
import { pollUntil } from '../real/host-commands.js';
import { checkedRunId, LABEL_OWNER, LABEL_OWNER_PID, LABEL_OWNER_START, LABEL_RUN } from '../real/names.js';
import { collectNodeLogs, makeDataDirectory, processAlive, PROCESS_LOG } from '../real/node-files.js';
import { currentOwner } from '../real/owner.js';
import { UndoStack } from '../real/undo-stack.js';
import type { BootOptions, ClockControl, NodeProcessSpec, RealCluster, RealFaultControl, RealNodeInfo } from '../real/types.js';
import { CONTAINER_PATH, createNodeContainer, type NodeContainer } from './containers.js';
import { connect } from './engine.js';
import { DEFAULT_IMAGE, ensureImage, hostMounts } from './image.js';
import { createDockerNetwork } from './network.js';

const EFFECT_TIMEOUT_MS = 5_000;
/** Runs the node with its output appended to the log: sh execs it, so the exec's pid is the node's. */
const LAUNCH_SCRIPT = 'log="$1"; shift; exec "$@" >>"$log" 2>&1';

interface NodeProcess {
  exec: Docker.Exec;
  pid: number;
}

export async function bootDocker(options: BootOptions): Promise<RealCluster> {
  const runId = checkedRunId(options.runId);
  const docker = await connect();
  const image = options.image ?? DEFAULT_IMAGE;
  await ensureImage(docker, image);
  const owner = currentOwner();
  const labels = { [LABEL_OWNER]: 'true', [LABEL_RUN]: runId, [LABEL_OWNER_PID]: String(owner.pid), [LABEL_OWNER_START]: owner.startTime };
  const undo = new UndoStack();
  try {
    const network = await createDockerNetwork(docker, runId, labels, undo);
    const binds = hostMounts(image, options.mounts ?? []);
    const containers = await Promise.all(
      options.nodes.map((node, index) =>
        createNodeContainer(
          docker,
          { runId, node, address: `${network.subnet.prefix}.${index + 2}`, image, networkName: network.name, dataDirectory: makeDataDirectory(options.workDirectory, node), binds, labels },
          undo,
        ),
      ),
    );
    return new DockerCluster(containers, options.workDirectory, undo);
  } catch (error) {
    await undo.unwind();
    throw error;
  }
}

class DockerCluster implements RealCluster, ProcessFaults {
  readonly runtime = 'docker' as const;
  readonly nodes: readonly RealNodeInfo[];
  private readonly processes = new Map<string, NodeProcess>();
  private readonly specs = new Map<string, NodeProcessSpec>();
  private readonly paused = new Set<string>();

  constructor(
    private readonly containers: readonly NodeContainer[],
    workDirectory: string,
    private readonly undo: UndoStack,
  ) {
    this.nodes = containers.map((container) => ({ name: container.name, address: container.address, dataDirectory: makeDataDirectory(workDirectory, container.name) }));
  }

  async start(node: string, spec: NodeProcessSpec): Promise<void> {
    const { container } = this.containerOf(node);
    if (await this.isRunning(node)) throw new FaultlineError('E_INFRASTRUCTURE', `${node} already runs a process`);
    const info = this.info(node);
    this.specs.set(node, spec);
    const environment = Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`);
    const exec = await container.exec({
      Cmd: ['/bin/sh', '-c', LAUNCH_SCRIPT, 'launch', path.join(info.dataDirectory, PROCESS_LOG), spec.command, ...spec.args],
      Env: [`PATH=${CONTAINER_PATH}`, ...environment],
      WorkingDir: info.dataDirectory,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
    });
    // The engine answers once the process started; its response is a stream that would hold the event loop open.
    const response: unknown = await exec.start({ Detach: true });
    (response as { destroy?: () => void } | undefined)?.destroy?.();
    let pid = 0;
    await pollUntil(async () => (pid = (await exec.inspect()).Pid) > 0, EFFECT_TIMEOUT_MS);
    if (pid <= 0) throw new FaultlineError('E_INFRASTRUCTURE', `docker exec of ${spec.command} on ${node} did not start`);
    this.processes.set(node, { exec, pid });
  }

  faultControl(clock?: ClockControl): RealFaultControl {
    return new QueuedFaultControl(() => this.containers, this, clock);
  }

  async isRunning(node: string): Promise<boolean> {
    this.info(node);
    const running = this.processes.get(node);
    if (running === undefined) return false;
    return (await running.exec.inspect()).Running && processAlive(running.pid);
  }

  async collectLogs(write: (node: string, fileName: string, text: string) => void): Promise<void> {
    collectNodeLogs(this.nodes, write);
  }

  teardown(): Promise<void> {
    return this.undo.unwindOrThrow();
  }

  async kill(node: string): Promise<void> {
    const running = this.processes.get(node);
    if (running === undefined || !(await this.isRunning(node))) return;
    process.kill(running.pid, 'SIGKILL');
    // A frozen process dies only when thawed: a kill of a paused node ends its pause.
    if (this.paused.has(node)) await this.resume(node);
    const dead = await pollUntil(async () => !(await running.exec.inspect()).Running, EFFECT_TIMEOUT_MS);
    if (!dead) throw new FaultlineError('E_INFRASTRUCTURE', `kill ${node}: process ${running.pid} still runs ${EFFECT_TIMEOUT_MS} ms after SIGKILL`);
  }

  async restart(node: string): Promise<void> {
    const spec = this.specs.get(node);
    if (spec === undefined) throw new FaultlineError('E_INFRASTRUCTURE', `restart ${node}: it was never started`);
    if (await this.isRunning(node)) return;
    // docker cannot exec into a frozen container: a restart brings the paused node back whole.
    await this.resume(node);
    await this.start(node, spec);
    if (!(await this.isRunning(node))) throw new FaultlineError('E_INFRASTRUCTURE', `restart ${node}: the process did not start`);
  }

  async pause(node: string): Promise<void> {
    const { container, initPid } = this.containerOf(node);
    if (this.paused.has(node)) return;
    await container.pause();
    this.paused.add(node);
    const frozen = await pollUntil(async () => (await container.inspect()).State.Paused && freezerState(initPid) !== 'THAWED', EFFECT_TIMEOUT_MS);
    if (!frozen) throw new FaultlineError('E_INFRASTRUCTURE', `pause ${node}: the container's cgroup did not freeze`);
  }

  async resume(node: string): Promise<void> {
    const { container, initPid } = this.containerOf(node);
    if (!this.paused.has(node)) return;
    await container.unpause();
    this.paused.delete(node);
    const thawed = await pollUntil(async () => !(await container.inspect()).State.Paused && freezerState(initPid) !== 'FROZEN', EFFECT_TIMEOUT_MS);
    if (!thawed) throw new FaultlineError('E_INFRASTRUCTURE', `resume ${node}: the container's cgroup is still frozen`);
  }

  private info(node: string): RealNodeInfo {
    const info = this.nodes.find((candidate) => candidate.name === node);
    if (info === undefined) throw new FaultlineError('E_USAGE', `no node named ${node} in this cluster`);
    return info;
  }

  private containerOf(node: string): NodeContainer {
    this.info(node);
    return this.containers.find((container) => container.name === node) as NodeContainer;
  }
}

/** The cgroup v1 freezer's state for a process (FROZEN, FREEZING, THAWED), or undefined without a v1 freezer. */
function freezerState(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((entry) => /^\d+:freezer:/.test(entry));
    if (line === undefined) return undefined;
    return readFileSync(`/sys/fs/cgroup/freezer${line.split(':')[2]}/freezer.state`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
