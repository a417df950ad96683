/**
 * The coordinator's deliberate bugs, switched on by name (--bug <name>) to
 * show that faultline's checkers catch real protocol mistakes. Never on by
 * default. Engine bugs are implemented in engines/, service bugs in service/.
 */

import type { PartitionTargetName } from '../../nemesis/index.js';
import type { WorkloadName } from '../../workloads/index.js';

export interface BugMode {
  name: string;
  description: string;
  /** The workload that should expose it. */
  workload: WorkloadName;
  /** The nemesis that should expose it: one fault kind or a comma list, as --nemesis takes. */
  nemesis: string;
  /** How register reads are served, when the bug needs one mode (--read-mode). */
  readMode?: 'linearizable' | 'sequential' | 'lease';
  /** Faults on at once, when the bug needs more than one (--max-active-faults). */
  maxActiveFaults?: number;
  /** Cluster size, when the bug needs more than three nodes (--nodes). */
  nodes?: number;
  /** Partition shapes to draw from, when the bug needs particular ones (nemesisOptions.partition.targets). */
  partitionTargets?: readonly PartitionTargetName[];
}

export const BUG_MODES: readonly BugMode[] = [
  {
    name: 'vote-ignores-log',
    description: 'votes go to any candidate, however stale its log (ZAB: election and discovery ignore zxids), so a new leader can drop committed writes',
    workload: 'register',
    // A stale node must win an election: one loses writes while partitioned or down, then the leader dies.
    nemesis: 'kill,partition',
    maxActiveFaults: 2,
  },
  {
    name: 'ack-before-quorum',
    description: 'the leader commits and acknowledges a write as soon as it logged it, before a quorum has it',
    workload: 'register',
    nemesis: 'partition',
  },
  {
    name: 'minority-commit',
    description: 'the leader counts one vote short of a majority and never steps down, so it keeps committing with a minority after a partition',
    workload: 'register',
    nemesis: 'partition',
  },
  {
    name: 'stale-lease-read',
    description: 'lease reads trust the local wall clock and the configured lease: the lease ignores the election timeout and the clock drift bound, and the leader leads on until it runs out',
    workload: 'register',
    nemesis: 'partition',
    readMode: 'lease',
  },
  {
    name: 'follower-local-read',
    description: 'a follower answers a "linearizable" read from its own, possibly stale, state',
    workload: 'register',
    nemesis: 'partition',
  },
  {
    name: 'unreplicated-sequence',
    description: 'sequential znode suffixes come from a server-local counter that is not replicated',
    workload: 'sequence',
    // Clients that lose their server move to another, whose counter is behind or ahead.
    nemesis: 'kill,partition',
  },
  {
    name: 'crash-on-leader-loss',
    description: 'a server that finds it no longer leads fails an assertion and its process dies: a crash under faults, which faultline records as a finding',
    workload: 'register',
    nemesis: 'partition',
  },
  {
    name: 'sync-ack-before-durable',
    description:
      "ZooKeeper's sync-phase data loss (ZOOKEEPER-3911 \"Data inconsistency caused by DIFF sync uncommitted log\", " +
      'ZOOKEEPER-4646, ZOOKEEPER-4643; opened by ZOOKEEPER-2678, which skipped the follower\'s snapshot on a DIFF): a follower ' +
      'acknowledges NEWLEADER, its new epoch on disk, while the transactions the DIFF gave it are only in memory, so a crash ' +
      'loses writes the quorum counted as committed and leaves a hole in its log. ZAB: engines/zab/follower.ts applySync keeps ' +
      "a DIFF's committed entries out of the log; Raft's counterpart (engines/raft/follower.ts): a follower keeps entries the leader already calls committed out of its log on disk and acknowledges them, and after a crash cannot start on the gap, as etcd panics on a lost log",
    workload: 'register',
    // Only a kill loses what was never synced.
    nemesis: 'kill',
  },
  {
    name: 'ephemeral-outlives-session',
    description:
      'an ephemeral node outlives its session across a leader change (ZOOKEEPER-2355 "Ephemeral node is never deleted if ' +
      'follower fails while reading the proposal packet"; ZOOKEEPER-1208 "Ephemeral node not removed after the client session ' +
      'is long gone"): a replica that applies a session\'s close or expiry only as it catches up once a newer leader took over ' +
      '(syncing from the new leader, or replaying its log after a restart) drops the session but keeps its ephemerals, and nothing deletes them afterwards, so the lock they stand for is never ' +
      'released there. service/state-machine.ts endSession keeps them when the entry is older than the engine\'s epoch',
    workload: 'lock',
    // Sessions end after the faults that made their clients give up; a replica down or cut off meanwhile applies the end late.
    nemesis: 'kill,partition',
  },
  {
    name: 'lock-skips-lease-check',
    description:
      "etcd-io/etcd#11456, found by Jepsen's etcd 3.4.3 analysis (2020): a lock waiter whose lease expired while it waited was told it held the lock. " +
      'Here nothing on the lock path checks that the session (the lease) still lives: a server that cannot renew it still answers its keepalives, ' +
      "as etcd's deposed leader did (etcd-io/etcd#15247), and an expiry is not announced (service/server.ts); a returning client is re-attached to " +
      'its expired session (service/handlers.ts, connect); and the lock recipe takes the lock once no lower node is left, without checking that ' +
      'its own node, gone with the session, still exists (client/recipes.ts)',
    workload: 'lock',
    // The lease must run out unnoticed: a partition that outlasts the session timeout.
    nemesis: 'partition',
  },
  {
    name: 'follower-applies-uncommitted',
    description:
      'ZOOKEEPER-1549 "Data inconsistency when follower is receiving a DIFF with a dirty snapshot": a follower applied (and ' +
      'snapshotted) proposals that never committed; a new leader truncated them from its log, but they stayed in its state. ' +
      'Here a follower applies each proposal as soon as it logs it (ZAB: engines/zab/follower.ts handleProposal; Raft: ' +
      'engines/raft/follower.ts handleAppend), and a ZAB follower applies a DIFF\'s uncommitted tail as it syncs, so a ' +
      'create a new leader drops stays in that replica (its sequence counter runs ahead of the others\'), and Raft never ' +
      'applies the entry that replaced it',
    workload: 'sequence',
    // A follower logs only what a majority will not have when it is cut off with the leader on the minority side,
    // which three nodes cannot do (the leader and one follower are a majority); seven leave the leader a minority
    // of three more often than five do, so more runs truncate what a follower applied.
    nemesis: 'partition',
    nodes: 7,
    partitionTargets: ['halves'],
  },
];

export function findBugMode(name: string): BugMode | undefined {
  return BUG_MODES.find((mode) => mode.name === name);
}
