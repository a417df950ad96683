/**
 * Ephemerals after recovery: once faults are healed and the replicas agree,
 * every ephemeral node must belong to a session that is still live on the
 * replica holding it. An ephemeral whose session ended (closed or expired)
 * is one nothing will ever delete: the lock it stands for is never released,
 * the member it announces never leaves (ZooKeeper's ZOOKEEPER-1208 and
 * ZOOKEEPER-2355).
 *
 * The run records each replica's ephemerals and live sessions when the
 * system can read them (final-ephemerals.json); the check judges whatever
 * workload ran, as the crash check does.
 */
import { nothingToJudge, type Checker, type CheckerInput, type CheckerResult } from '../checker.js';

/** One replica's ephemeral nodes (path, owner session id) and the session ids live there. */
export interface NodeEphemerals {
  ephemerals: Array<{ path: string; owner: number }>;
  liveSessions: number[];
}

/** Node -> its ephemerals after recovery. */
export type FinalEphemerals = Record<string, NodeEphemerals>;

export interface OrphanEphemeral {
  node: string;
  path: string;
  /** The session that owns it, which is no longer live on that node. */
  owner: number;
}

export type EphemeralsResult = CheckerResult<OrphanEphemeral>;

export const ephemeralsChecker: Checker<unknown, EphemeralsResult> = {
  name: 'ephemerals',
  check: (input) => checkEphemerals(input),
};

export function describeOrphan(orphan: OrphanEphemeral): string {
  return `${orphan.node} still holds the ephemeral ${orphan.path} of session ${orphan.owner} after recovery, though that session ended: nothing will ever delete it`;
}

/** The anomaly without the run's particulars, so every orphan is one shape. */
export function orphanShape(_orphan: OrphanEphemeral): string {
  return 'an ephemeral outlived its session';
}

export function checkEphemerals(input: Pick<CheckerInput, 'operations' | 'finalEphemerals'>): EphemeralsResult {
  const states = input.finalEphemerals;
  const unknown = (what: string, lookAt: string): EphemeralsResult => ({ checker: 'ephemerals', valid: 'unknown', reason: nothingToJudge(what, lookAt), anomalies: [], stats: {} });
  if (input.operations.length === 0) return unknown('the history has no client operations', 'look at whether the clients reached the cluster at all');
  if (states === undefined || Object.keys(states).length === 0) {
    return unknown('there are no final ephemerals: the run read no node state after recovery (final-ephemerals.json)', 'look at whether the nodes were up after recovery (nodes/*/*.log)');
  }
  const anomalies: OrphanEphemeral[] = [];
  let ephemerals = 0;
  for (const node of Object.keys(states).sort()) {
    const state = states[node]!;
    const live = new Set(state.liveSessions);
    for (const { path, owner } of state.ephemerals) {
      ephemerals += 1;
      if (!live.has(owner)) anomalies.push({ node, path, owner });
    }
  }
  const first = anomalies[0];
  return {
    checker: 'ephemerals',
    valid: anomalies.length === 0,
    anomalies,
    stats: { nodes: Object.keys(states).length, ephemerals, orphans: anomalies.length },
    ...(first === undefined ? {} : { sentence: describeOrphan(first) }),
  };
}
