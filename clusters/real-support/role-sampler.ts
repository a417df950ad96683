/**
 * Role sampling on real nodes, one rule for every system: each node that
 * answered its probe gives its role and epoch (or term); one that did not is
 * "unreachable" at the epoch it last had (a killed, paused or cut-off node
 * leads nobody as far as anyone can tell); the leader is the node that says
 * it leads in the highest epoch, and stays what "isolate the leader" targets
 * until the next sample.
 */
import type { RoleSample } from '../../checkers/checker.js';

/** What one node's probe said; epoch undefined keeps the epoch it last had (a node without quorum reports none). */
export interface NodeRole {
  role: string;
  epoch?: number;
  commitPosition?: number;
}

export class RoleSampler {
  private readonly lastEpoch = new Map<string, number>();
  private cachedLeader: string | null = null;

  constructor(private readonly nodes: readonly string[]) {}

  /** One sample per node, stamped with time (ns), from the probes that answered. */
  sample(answered: ReadonlyMap<string, NodeRole>, time: number): RoleSample[] {
    const samples: RoleSample[] = [];
    let leader: string | null = null;
    let leaderEpoch = -1;
    for (const node of this.nodes) {
      const status = answered.get(node);
      if (status === undefined) {
        samples.push({ time, node, role: 'unreachable', epoch: this.lastEpoch.get(node) ?? 0 });
        continue;
      }
      const epoch = status.epoch ?? this.lastEpoch.get(node) ?? 0;
      this.lastEpoch.set(node, epoch);
      samples.push({ time, node, role: status.role, epoch, ...(status.commitPosition === undefined ? {} : { commitPosition: status.commitPosition }) });
      if (status.role === 'leader' && epoch > leaderEpoch) [leader, leaderEpoch] = [node, epoch];
    }
    this.cachedLeader = leader;
    return samples;
  }

  /** The leader as last sampled (or as health saw it). */
  leader(): string | null {
    return this.cachedLeader;
  }

  /** Health found a leader before the first sample. */
  knowLeader(leader: string): void {
    this.cachedLeader = leader;
  }
}
