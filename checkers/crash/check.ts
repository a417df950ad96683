/**
 * Node crashes: a node of the system under test that died by itself (an
 * uncaught exception, a failed assertion, a process that exited) while the
 * nemesis had not killed it. However the rest of the history looks, a
 * server that crashes under faults has a bug, so any crash is a violation.
 *
 * The run records crashes as they happen (the simulator catches the
 * exception inside the node's handler; a real runtime sees the process gone);
 * this checker only judges and words them.
 */
import { describeMoment, nothingToJudge, type Checker, type CheckerInput, type CheckerResult } from '../checker.js';

export interface NodeCrash {
  node: string;
  /** Nanoseconds since run start, on the history's clock. */
  time: number;
  /** One line: the error's name and message, or what is known of the exit. */
  message: string;
  /** The error's stack as the node printed it, when known. */
  stack?: string;
  /** The node's last log lines before the crash. */
  logTail?: string[];
}

export type CrashResult = CheckerResult<NodeCrash>;

/** "n2 crashed at 12.30 s: AssertionError: leader state only exists on a leader". */
export function describeCrash(crash: NodeCrash): string {
  return `${crash.node} crashed at ${describeMoment(crash.time, Number.NaN)}: ${crash.message}`;
}

/**
 * The crash without the run's particulars: node names and numbers left out,
 * so "n2 lost its leadership in term 7" and "n3 ... term 4" are one shape.
 */
export function crashShape(crash: Pick<NodeCrash, 'message'>): string {
  return `crashed: ${String(crash.message).replace(/\bn\d+\b/g, 'a node').replace(/\d+(\.\d+)?/g, 'N')}`;
}

export function checkCrashes(crashes: readonly NodeCrash[] | undefined): CrashResult {
  if (crashes === undefined) {
    return { checker: 'crash', valid: 'unknown', reason: nothingToJudge('the run recorded no watch over its nodes', 'crashes are judged only for runs that watched their nodes (crashes.json)'), anomalies: [], stats: {} };
  }
  const nodes = new Set(crashes.map((crash) => crash.node));
  const stats = { crashes: crashes.length, nodes: nodes.size };
  if (crashes.length === 0) return { checker: 'crash', valid: true, anomalies: [], stats };
  const first = crashes[0] as NodeCrash;
  const later = crashes.length - 1;
  const more = later === 0 ? '' : later === 1 ? ' (1 more crash follows)' : ` (${later} more crashes follow)`;
  return { checker: 'crash', valid: false, anomalies: [...crashes], stats, sentence: `${describeCrash(first)}${more}` };
}

export const crashChecker: Checker<unknown, CrashResult> = {
  name: 'crash',
  check: (input: CheckerInput) => checkCrashes(input.crashes),
};
