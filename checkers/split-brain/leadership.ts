/**
 * Leadership intervals from sampled roles. A node seen as leader in epoch e
 * at two sample times was leader throughout between them: a node cannot
 * lose and regain leadership within one epoch or term. So an interval runs
 * from the first to the last consecutive sample that shows the node leading
 * in that epoch; what happened between samples outside it is not known.
 */
import type { RoleSample } from '../checker.js';

export interface Leadership {
  node: string;
  epoch: number;
  /** Nanoseconds: the first and last samples showing this leadership. */
  from: number;
  to: number;
  samples: number;
}

export const DEFAULT_LEADER_ROLES = ['leader', 'leading'];

export function leaderships(samples: readonly RoleSample[], leaderRoles: readonly string[]): Leadership[] {
  const leading = new Set(leaderRoles.map((role) => role.toLowerCase()));
  const byTime = [...samples].sort((left, right) => left.time - right.time);
  const current = new Map<string, Leadership>();
  const found: Leadership[] = [];
  for (const sample of byTime) {
    const open = current.get(sample.node);
    if (!leading.has(sample.role.toLowerCase())) {
      current.delete(sample.node);
      continue;
    }
    if (open !== undefined && open.epoch === sample.epoch) {
      open.to = sample.time;
      open.samples += 1;
      continue;
    }
    const started: Leadership = { node: sample.node, epoch: sample.epoch, from: sample.time, to: sample.time, samples: 1 };
    current.set(sample.node, started);
    found.push(started);
  }
  return found;
}

/** Leaderships of different nodes in the same epoch: each such epoch's leaderships, grouped. */
export function sameEpochLeaderships(all: readonly Leadership[]): Leadership[][] {
  const byEpoch = new Map<number, Leadership[]>();
  for (const leadership of all) {
    let group = byEpoch.get(leadership.epoch);
    if (group === undefined) byEpoch.set(leadership.epoch, (group = []));
    group.push(leadership);
  }
  return [...byEpoch.values()].filter((group) => new Set(group.map((item) => item.node)).size > 1);
}

/** Pairs of leaderships of different nodes and epochs that overlap in time, with the shared window. */
export interface LeadershipPair {
  pair: [Leadership, Leadership];
  /** Nanoseconds: both led throughout [from, to]. */
  from: number;
  to: number;
}

export function* overlappingLeaderships(all: readonly Leadership[]): Generator<LeadershipPair> {
  const byStart = [...all].sort((left, right) => left.from - right.from);
  let active: Leadership[] = [];
  for (const leadership of byStart) {
    active = active.filter((other) => other.to >= leadership.from);
    for (const other of active) {
      if (other.node === leadership.node || other.epoch === leadership.epoch) continue;
      yield { pair: [other, leadership], from: leadership.from, to: Math.min(other.to, leadership.to) };
    }
    active.push(leadership);
  }
}
