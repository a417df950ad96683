/**
 * Node crashes on a real runtime: a node process that is gone while the
 * nemesis had not killed it died by itself, which is a bug of the system
 * under test, recorded with what its logs say (the coordinator's node writes
 * "crashed: <stack>" to node.log before it exits). The watch sits between the
 * nemesis and the runtime's fault control, so it knows which deaths the
 * nemesis caused; a node counts as meant to be down from the kill until its
 * restart has been applied.
 */
import { join } from 'node:path';
import type { NodeCrashRecord as NodeCrash } from '../index.js';
import { CRASH_LOG_LINES, lastLines } from '../crash-lines.js';
import { readFileTail } from './node-files.js';
import type { RealCluster, RealFaultControl } from './types.js';

/** Enough of a log's end for its last lines and a crash's stack. */
const LOG_TAIL_BYTES = 64 * 1024;
const CRASH_MARK = ' crashed: ';
const MAX_STACK_LINES = 30;

export class CrashWatch {
  readonly crashes: NodeCrash[] = [];
  /** The fault control to give the nemesis: the same faults, with kills and restarts noted. */
  readonly control: RealFaultControl;
  private readonly killedBy = new Map<string, number>();
  private generation = 0;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly cluster: Pick<RealCluster, 'nodes' | 'isRunning'>,
    control: RealFaultControl,
    private readonly timeNs: () => number,
  ) {
    this.control = {
      abilities: control.abilities,
      nodes: control.nodes,
      partition: (groups) => control.partition(groups),
      cutLink: (from, to) => control.cutLink(from, to),
      heal: () => control.heal(),
      kill: (node) => {
        this.killedBy.set(node, ++this.generation);
        control.kill(node);
      },
      restart: (node) => {
        control.restart(node);
        const generation = this.killedBy.get(node);
        // Down until the queued restart has run; a later kill of the node takes over the mark.
        void control.settled().then(() => {
          if (this.killedBy.get(node) === generation) this.killedBy.delete(node);
        });
      },
      pause: (node) => control.pause(node),
      resume: (node) => control.resume(node),
      skewClock: (node, skew) => control.skewClock(node, skew),
      resetClock: (node) => control.resetClock(node),
      settled: () => control.settled(),
      failure: () => control.failure(),
    };
  }

  /** Nodes recorded as crashed: they stay down, and the run does not wait for them. */
  crashedNodes(): Set<string> {
    return new Set(this.crashes.map((crash) => crash.node));
  }

  /** Looks at every node that should be running; one look at a time. */
  check(): Promise<void> {
    this.checking ??= this.lookAtNodes().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async lookAtNodes(): Promise<void> {
    const crashed = this.crashedNodes();
    for (const node of this.cluster.nodes) {
      if (crashed.has(node.name) || this.killedBy.has(node.name)) continue;
      if (await this.cluster.isRunning(node.name)) continue;
      // A kill may have come while the runtime was asked.
      if (this.killedBy.has(node.name)) continue;
      this.crashes.push(crashFromLogs(node.name, node.dataDirectory, this.timeNs()));
    }
  }
}

/** What a dead node's logs say: the error it logged as it crashed, and its last lines. */
export function crashFromLogs(node: string, dataDirectory: string, timeNs: number): NodeCrash {
  const nodeLog = readTail(join(dataDirectory, 'node.log'));
  const processLog = readTail(join(dataDirectory, 'process.log'));
  const stack = loggedStack(nodeLog) ?? loggedStack(processLog);
  const message = stack?.[0] ?? 'its process ended without an error in its logs, and the nemesis had not killed it';
  const logTail = [...lastLines(processLog, CRASH_LOG_LINES / 2).map((line) => `process.log | ${line}`), ...lastLines(nodeLog, CRASH_LOG_LINES).map((line) => `node.log | ${line}`)];
  return { node, time: timeNs, message, ...(stack === undefined ? {} : { stack: stack.join('\n') }), logTail };
}

/** The last "crashed: <stack>" a log holds, as the stack's lines. */
function loggedStack(lines: readonly string[]): string[] | undefined {
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index] as string;
    const mark = line.indexOf(CRASH_MARK);
    if (mark < 0) continue;
    const frames = lines.slice(index + 1, index + MAX_STACK_LINES).filter((frame) => /^\s+at /.test(frame));
    return [line.slice(mark + CRASH_MARK.length), ...frames];
  }
  return undefined;
}

function readTail(file: string): string[] {
  return (readFileTail(file, LOG_TAIL_BYTES) ?? '').split('\n').filter((line) => line !== '');
}
