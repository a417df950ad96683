/**
 * A coordinator cluster of real node processes on 127.0.0.1, for tests and
 * measurements: start, SIGKILL, SIGTERM and restart nodes, and wait (with a
 * deadline) until one leader is agreed on. killAll() belongs in an after hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AdminClient, type AdminStatus } from '../admin-client.js';
import { nodeArguments, type NodeProcessOptions } from '../arguments.js';
import { NODE_MAIN } from '../index.js';
import { freePorts } from './free-ports.js';

export interface ProcessClusterOptions {
  engine: 'raft' | 'zab';
  directory: string;
  size?: number;
  bugs?: string[];
  seed?: number;
  /** Flags for node itself, e.g. --cpu-prof when profiling. */
  nodeFlags?: string[];
}

export class ProcessCluster {
  readonly names: string[];
  readonly members: Record<string, string> = {};
  private readonly adminPorts = new Map<string, number>();
  private readonly children = new Map<string, ChildProcess>();

  private constructor(private readonly options: ProcessClusterOptions, ports: number[]) {
    const size = options.size ?? 3;
    this.names = Array.from({ length: size }, (_, index) => `n${index + 1}`);
    this.names.forEach((name, index) => {
      this.members[name] = `127.0.0.1:${ports[index]}`;
      this.adminPorts.set(name, ports[size + index] as number);
    });
  }

  static async create(options: ProcessClusterOptions): Promise<ProcessCluster> {
    fs.rmSync(options.directory, { recursive: true, force: true });
    return new ProcessCluster(options, await freePorts(2 * (options.size ?? 3)));
  }

  nodeOptions(name: string): NodeProcessOptions {
    return {
      id: name,
      engine: this.options.engine,
      members: this.members,
      dataDirectory: path.join(this.options.directory, name),
      port: Number(this.members[name]?.split(':')[1]),
      adminPort: this.adminPorts.get(name) as number,
      bugs: this.options.bugs ?? [],
      seed: this.options.seed ?? 1,
    };
  }

  admin(name: string, timeoutMs = 500): AdminClient {
    return new AdminClient(`http://127.0.0.1:${this.adminPorts.get(name)}`, timeoutMs);
  }

  start(name: string): void {
    if (this.isRunning(name)) throw new Error(`${name} is already running`);
    // The process's own output goes to a file, so a node that dies or never answers can say why.
    fs.mkdirSync(this.options.directory, { recursive: true });
    const output = fs.openSync(this.processLogPath(name), 'a');
    const child = spawn(process.execPath, [...(this.options.nodeFlags ?? []), NODE_MAIN, ...nodeArguments(this.nodeOptions(name))], { stdio: ['ignore', output, output] });
    fs.closeSync(output);
    this.children.set(name, child);
    // Should the test process end without its after hooks, its nodes end with it.
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
  }

  startAll(): void {
    for (const name of this.names) this.start(name);
  }

  isRunning(name: string): boolean {
    const child = this.children.get(name);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Sends a signal and waits (bounded) for the process to end. */
  async signal(name: string, signal: 'SIGKILL' | 'SIGTERM', timeoutMs = 5000): Promise<void> {
    const child = this.children.get(name);
    if (child === undefined || !this.isRunning(name)) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await within(exited, timeoutMs);
    if (this.isRunning(name)) {
      child.kill('SIGKILL');
      await within(exited, 1000);
    }
  }

  /** SIGSTOP or SIGCONT: the process stays, frozen or thawed. */
  pause(name: string, paused: boolean): void {
    this.children.get(name)?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  exitCode(name: string): number | null {
    return this.children.get(name)?.exitCode ?? null;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.names.map((name) => this.signal(name, 'SIGKILL')));
  }

  /** Statuses of the nodes that answer in time. */
  async statuses(names = this.names): Promise<AdminStatus[]> {
    const answers = await Promise.all(names.map((name) => this.admin(name).status().catch(() => null)));
    return answers.filter((status): status is AdminStatus => status !== null);
  }

  /** Waits until every named node answers and all name the same leader, which says it leads. */
  async awaitLeader(names = this.names.filter((name) => this.isRunning(name)), timeoutMs = 10_000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    let last = '';
    while (performance.now() < deadline) {
      // Only nodes this cluster started: a test may start one by other means and wait here.
      const ended = names.filter((name) => this.children.has(name) && !this.isRunning(name));
      if (ended.length > 0) throw new Error(`awaiting a leader, ${ended.join(', ')} ended: ${this.describeProcesses(ended)}`);
      const statuses = await this.statuses(names);
      last = JSON.stringify(statuses.map(({ node, role, leader, epoch }) => ({ node, role, leader, epoch })));
      const leader = statuses[0]?.leader ?? null;
      const agreed = statuses.length === names.length && leader !== null && statuses.every((status) => status.leader === leader && status.epoch === statuses[0]?.epoch);
      const leaderStatus = statuses.find((status) => status.node === leader);
      if (agreed && leaderStatus?.role === 'leader') return leader;
      await delay(25);
    }
    throw new Error(`no agreed leader within ${timeoutMs} ms: ${last}; ${this.describeProcesses(names)}`);
  }

  processLogPath(name: string): string {
    return path.join(this.options.directory, `${name}.process.log`);
  }

  /** Each node's process state and the end of its output, for a failure message. */
  describeProcesses(names = this.names): string {
    return names
      .map((name) => {
        const child = this.children.get(name);
        const state = child === undefined ? 'never started' : this.isRunning(name) ? 'running' : `ended (code ${child.exitCode}, signal ${child.signalCode})`;
        let output = '';
        try {
          output = fs.readFileSync(this.processLogPath(name), 'utf8').trim().split('\n').slice(-5).join(' | ');
        } catch {
          output = 'no output file';
        }
        return `${name} ${state}, output: ${output || 'none'}`;
      })
      .join('; ');
  }
}

/** Waits for the promise, or for timeoutMs, whichever comes first, leaving no timer behind. */
async function within(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
