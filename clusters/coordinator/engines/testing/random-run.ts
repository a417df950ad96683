/**
 * One randomized run: a cluster takes writes and read barriers while nodes
 * crash and restart and the network splits, then everything heals and the
 * cluster must converge. Invariants are checked after every step; a broken
 * one ends the run with an InvariantViolation.
 */
import type { EngineKind } from '../../engine.js';
import type { Address } from '../../world.js';
import type { SeededRandom } from '../../../../common/random.js';
import { TestCluster, type ClusterConfig } from './cluster.js';
import { InvariantViolation } from './invariants.js';

export type FaultKind = 'crash' | 'partition' | 'isolate-leader';

export interface RandomRunOptions {
  kind: EngineKind;
  seed: number;
  bugs?: string[];
  faults?: FaultKind[];
  durationMs?: number;
  /** Chance of a new fault every 10 ms. */
  faultRate?: number;
  voters?: number;
  cluster?: Partial<ClusterConfig>;
}

export interface RandomRunResult {
  violation: InvariantViolation | null;
  converged: boolean;
  committed: number;
  cluster: TestCluster;
}

const STEP_MS = 10;

export function randomRun(options: RandomRunOptions): RandomRunResult {
  const cluster = new TestCluster({
    kind: options.kind,
    seed: options.seed,
    voters: options.voters ?? (options.seed % 2 === 0 ? 3 : 5),
    observers: options.seed % 7 === 0 ? 1 : 0,
    bugs: options.bugs ?? [],
    lossRate: 0.02,
    duplicateRate: 0.02,
    clockRateSpread: 0.02,
    compactAfterEntries: 15,
    ...options.cluster,
  });
  try {
    cluster.start();
    driveWithFaults(cluster, options);
    const converged = healAndConverge(cluster);
    return { violation: null, converged, committed: cluster.checker.committed.size, cluster };
  } catch (error) {
    if (!(error instanceof InvariantViolation)) throw error;
    return { violation: error, converged: false, committed: cluster.checker.committed.size, cluster };
  }
}

function driveWithFaults(cluster: TestCluster, options: RandomRunOptions): void {
  const random = cluster.random.fork('driver');
  const faults = options.faults ?? ['crash', 'partition', 'isolate-leader'];
  const restarts = new Map<Address, number>();
  let healAtMs = Infinity;
  let written = 0;
  const endMs = cluster.nowMs + (options.durationMs ?? 1500);
  while (cluster.nowMs < endMs) {
    for (const [address, atMs] of restarts) {
      if (cluster.nowMs >= atMs) {
        restarts.delete(address);
        cluster.restart(address);
      }
    }
    if (cluster.nowMs >= healAtMs) {
      cluster.heal();
      healAtMs = Infinity;
    }
    const proposer = cluster.proposer();
    if (proposer !== null && random.chance(0.5)) {
      written += 1;
      cluster.propose(proposer, `w${written}`);
    }
    if (proposer !== null && random.chance(0.1)) cluster.readBarrier(proposer, () => undefined);
    if (random.chance(options.faultRate ?? 0.03) && faults.length > 0) {
      const fault = random.pick(faults);
      if (fault === 'crash') crashOne(cluster, random, restarts);
      else healAtMs = cluster.nowMs + splitNetwork(cluster, random, fault);
    }
    cluster.runFor(STEP_MS);
  }
  cluster.heal();
  for (const address of restarts.keys()) cluster.restart(address);
}

function crashOne(cluster: TestCluster, random: SeededRandom, restarts: Map<Address, number>): void {
  const live = cluster.addresses.filter((address) => cluster.isAlive(address));
  if (live.length === 0) return;
  const leader = cluster.proposer();
  const victim = leader !== null && random.chance(0.5) ? leader : random.pick(live);
  cluster.crash(victim);
  restarts.set(victim, cluster.nowMs + random.integer(20, 400));
}

/** Splits the network and returns how long the split lasts. */
function splitNetwork(cluster: TestCluster, random: SeededRandom, fault: FaultKind): number {
  const leader = cluster.proposer();
  if (fault === 'isolate-leader' && leader !== null) {
    cluster.partition([[leader], cluster.addresses.filter((address) => address !== leader)]);
  } else {
    const shuffled = [...cluster.addresses];
    for (let index = shuffled.length - 1; index > 0; index--) {
      const other = random.integer(0, index + 1);
      [shuffled[index], shuffled[other]] = [shuffled[other] as Address, shuffled[index] as Address];
    }
    const cut = random.integer(1, shuffled.length);
    cluster.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
  }
  return random.integer(50, 600);
}

/** After the faults: one leader, every node at the same commit point with the same applied state, including a last write. */
function healAndConverge(cluster: TestCluster): boolean {
  let finalWrite: { position: number | null; leader: Address; epoch: number } | null = null;
  const converged = (): boolean => {
    const leader = cluster.proposer();
    if (leader === null) return false;
    const epoch = cluster.engine(leader).status().epoch;
    // A write proposed to a leader that since lost its post may be gone: propose it again.
    if (finalWrite === null || finalWrite.position === null || finalWrite.leader !== leader || finalWrite.epoch !== epoch) {
      finalWrite = { position: cluster.propose(leader, 'final'), leader, epoch };
      return false;
    }
    const status = cluster.engine(leader).status();
    if (status.commitPosition !== status.lastPosition) return false;
    const target = cluster.appliedDigest(leader);
    const finalCommitted = cluster.checker.committed.get(finalWrite.position)?.id === 'final';
    return finalCommitted && cluster.addresses.every((address) => {
      const applied = cluster.appliedDigest(address);
      return applied.position === target.position && applied.digest === target.digest;
    });
  };
  return cluster.runUntil(converged, 8000);
}
