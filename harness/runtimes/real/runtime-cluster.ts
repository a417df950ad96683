/**
 * The real runtimes' Cluster (docker containers, local network namespaces):
 * boot makes the nodes' work directory and boots the
 * cluster; the run's clock is the monotonic wall clock; every fault goes
 * through a crash watch, so a node that dies without the nemesis is seen and
 * recorded. Docker and local differ only in how they boot (bootRuntime).
 */
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { BootRequest, Cluster, ClockControl, FaultAbility, NodeCrashRecord, RunStop, VerifiedFaultControl } from '../index.js';
import { CrashWatch } from './crash-watch.js';
import { pollUntil } from './host-commands.js';
import { bootRuntime, createWorkDirectory, type RealCluster } from './index.js';
import { RealScheduler } from './scheduler.js';
import { readNodeFile, writeNodeFile } from './node-files.js';
import { FaultlineError } from '../../../common/errors.js';

/** Each sample asks every node over the network: four a second is enough to see roles change. */
const ROLE_SAMPLE_INTERVAL_MS = 250;
/** Time after the phases for the last operations (each bounded by its own timeout) to end. */
const DRAIN_SLACK_MS = 15_000;
const CONVERGENCE_TIMEOUT_MS = 10_000;
/** How long the wall clock runs between looks at the workers, faults and crashes. */
const WAIT_SLICE_MS = 250;
const POLL_MS = 100;
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export async function bootReal(name: 'docker' | 'local', request: BootRequest, faults: ReadonlySet<FaultAbility>): Promise<Cluster> {
  const workDirectory = createWorkDirectory();
  try {
    const cluster = await bootRuntime(name, {
      runId: request.runId,
      nodes: request.nodes,
      workDirectory,
      // The docker runtime builds the default image when it is missing, named or not.
      ...(request.image === undefined ? {} : { image: request.image }),
      mounts: mountsFor(process.execPath),
    });
    return new RealRuntimeCluster(cluster, workDirectory, faults);
  } catch (error) {
    rmSync(workDirectory, { recursive: true, force: true });
    throw error;
  }
}

/** The Cluster over a RealCluster; watched: what the crash watch looks at (by default the cluster: its nodes' logs are local files). */
export class RealRuntimeCluster implements Cluster {
  readonly scheduler = new RealScheduler();
  readonly hosts;
  readonly timeWords = '';
  readonly roleSampleIntervalMs = ROLE_SAMPLE_INTERVAL_MS;
  readonly drainSlackMs = DRAIN_SLACK_MS;
  readonly convergenceTimeoutMs = CONVERGENCE_TIMEOUT_MS;
  private watch: CrashWatch | undefined;

  constructor(
    private readonly cluster: RealCluster,
    private readonly workDirectory: string,
    readonly faults: ReadonlySet<FaultAbility>,
    private readonly watched: Pick<RealCluster, 'nodes' | 'isRunning'> = cluster,
  ) {
    this.hosts = {
      kind: 'processes' as const,
      start: cluster.start.bind(cluster),
      isRunning: cluster.isRunning.bind(cluster),
      writeFile: cluster.writeFile?.bind(cluster) ?? (async (node: string, file: string, contents: string) => writeNodeFile(this.dataDirectoryOf(node), file, contents)),
      readFile: cluster.readFile?.bind(cluster) ?? (async (node: string, file: string) => readNodeFile(this.dataDirectoryOf(node), file)),
    };
  }

  private dataDirectoryOf(node: string): string {
    const info = this.cluster.nodes.find((candidate) => candidate.name === node);
    if (info === undefined) throw new FaultlineError('E_USAGE', `no node named ${node} in this cluster`);
    return info.dataDirectory;
  }

  get runtime(): RealCluster['runtime'] {
    return this.cluster.runtime;
  }

  get nodes(): RealCluster['nodes'] {
    return this.cluster.nodes;
  }

  faultControl(clock: ClockControl | undefined, timeNs: () => number): VerifiedFaultControl {
    // Every fault goes through the watch, so a node the nemesis did not kill and that is gone counts as crashed.
    this.watch = new CrashWatch(this.watched, this.cluster.faultControl(clock), timeNs);
    return this.watch.control;
  }

  async advance(): Promise<RunStop | undefined> {
    const failure = this.watch?.control.failure();
    if (failure !== undefined) return { incomplete: `infrastructure: ${failure.message}` };
    await delay(WAIT_SLICE_MS);
    await this.watch?.check();
    return undefined;
  }

  async waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<{ met: boolean; stop?: RunStop }> {
    let met = false;
    await pollUntil(async () => (met = await condition()), timeoutMs, POLL_MS);
    await this.watch?.check();
    return { met };
  }

  crashes(): readonly NodeCrashRecord[] {
    return this.watch?.crashes ?? [];
  }

  async collectLogs(write: (node: string, fileName: string, lines: string[]) => void): Promise<void> {
    await this.cluster.collectLogs((node, fileName, text) => write(node, fileName, text === '' ? [] : text.replace(/\n$/, '').split('\n')));
  }

  trace(): Record<string, unknown> {
    return {};
  }

  async teardown(): Promise<void> {
    this.scheduler.stop();
    try {
      await this.cluster.teardown();
    } finally {
      rmSync(this.workDirectory, { recursive: true, force: true });
    }
  }
}

/** Host paths a node process needs inside a container, mounted read-only at the same path. */
function mountsFor(nodeExecutable: string): string[] {
  const mounts = [PROJECT_ROOT];
  const prefix = dirname(dirname(nodeExecutable));
  if (!prefix.startsWith('/usr')) mounts.push(prefix);
  return mounts;
}
