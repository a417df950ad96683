/**
 * Split brain, from sampled roles (roles.jsonl):
 * - two nodes leading in the same epoch or term is a violation, whenever it
 *   happens: each epoch elects at most one leader;
 * - two leaders of different epochs overlapping in time is normal during an
 *   election (the old one has not heard yet) and only counted, unless both
 *   acknowledged writes inside the overlap: then the old leader committed
 *   after its successor was elected, which a quorum system must not do.
 */
import { DEFAULT_MAX_ANOMALIES, nothingToJudge, type Checker, type CheckerInput, type CheckerResult } from '../checker.js';
import { DEFAULT_LEADER_ROLES, leaderships, overlappingLeaderships, sameEpochLeaderships, type Leadership } from './leadership.js';
import { DEFAULT_WRITE_FUNCTIONS, writesByNode, writesWithin, type AcknowledgedWrite, type WritesByNode } from './writes.js';

export interface LeaderSpan {
  node: string;
  epoch: number;
  fromSeconds: number;
  toSeconds: number;
}

export interface SameEpochLeaders {
  kind: 'same-epoch';
  epoch: number;
  leaders: LeaderSpan[];
}

export interface LeadersBothWriting {
  kind: 'both-acknowledged-writes';
  leaders: [LeaderSpan, LeaderSpan];
  fromSeconds: number;
  toSeconds: number;
  /** Per leader (same order), the writes it acknowledged in the overlap, at most maxWritesShown each. */
  writes: [AcknowledgedWrite[], AcknowledgedWrite[]];
  writeCounts: [number, number];
}

export type SplitBrainAnomaly = SameEpochLeaders | LeadersBothWriting;

/** Leaders of different epochs at once without conflicting writes: reported, not a violation. */
export interface LeadershipOverlap {
  leaders: [LeaderSpan, LeaderSpan];
  fromSeconds: number;
  toSeconds: number;
  writeCounts?: [number, number];
}

export interface SplitBrainOptions {
  /** Role names that mean leading; compared without case. */
  leaderRoles?: string[];
  /** Operations that change state, whose acknowledgement needs a quorum. */
  writeFunctions?: string[];
  maxAnomalies?: number;
  maxWritesShown?: number;
}

export type SplitBrainResult = CheckerResult<SplitBrainAnomaly> & { overlaps: LeadershipOverlap[] };

export const splitBrainChecker: Checker<SplitBrainOptions, SplitBrainResult> = {
  name: 'split-brain',
  check: (input, options) => checkSplitBrain(input, options),
};

export function checkSplitBrain(input: CheckerInput, options: SplitBrainOptions = {}): SplitBrainResult {
  const maxAnomalies = options.maxAnomalies ?? DEFAULT_MAX_ANOMALIES;
  if (input.roles === undefined || input.roles.length === 0) {
    const reason = nothingToJudge('the run recorded no role samples (roles.jsonl)', 'look at whether the nodes could be asked for their roles (nodes/*/*.log)');
    return { checker: 'split-brain', valid: 'unknown', reason, anomalies: [], stats: {}, overlaps: [] };
  }
  const all = leaderships(input.roles, options.leaderRoles ?? DEFAULT_LEADER_ROLES);
  if (all.length === 0) {
    const what = `none of the ${input.roles.length} role samples shows a leader, so there was no leadership to split`;
    const reason = nothingToJudge(what, 'look at why the cluster never elected a leader (nodes/*/*.log)');
    return { checker: 'split-brain', valid: 'unknown', reason, anomalies: [], stats: { samples: input.roles.length, leaderships: 0 }, overlaps: [] };
  }
  const anomalies: SplitBrainAnomaly[] = sameEpochLeaderships(all).map((group) => ({
    kind: 'same-epoch',
    epoch: group[0]!.epoch,
    leaders: group.map(span),
  }));
  const writes = writesByNode(input.operations, input.events, options.writeFunctions ?? DEFAULT_WRITE_FUNCTIONS);
  const writesWhile = writesWhileLeading(writes);
  const overlaps: LeadershipOverlap[] = [];
  let [overlapCount, conflictCount] = [0, 0];
  for (const { pair, from, to } of overlappingLeaderships(all)) {
    overlapCount += 1;
    const [fromSeconds, toSeconds] = [from / 1e9, to / 1e9];
    const served = pair.map((leadership) => writesWhile(leadership.node, fromSeconds, toSeconds));
    const leaders: [LeaderSpan, LeaderSpan] = [span(pair[0]), span(pair[1])];
    const writeCounts: [number, number] = [served[0]!.length, served[1]!.length];
    if (writeCounts[0] > 0 && writeCounts[1] > 0) {
      conflictCount += 1;
      const shown = options.maxWritesShown ?? 10;
      const writesShown: [AcknowledgedWrite[], AcknowledgedWrite[]] = [served[0]!.slice(0, shown), served[1]!.slice(0, shown)];
      anomalies.push({ kind: 'both-acknowledged-writes', leaders, fromSeconds, toSeconds, writes: writesShown, writeCounts });
    } else if (overlaps.length < maxAnomalies) {
      overlaps.push({ leaders, fromSeconds, toSeconds, ...(writes.attributed ? { writeCounts } : {}) });
    }
  }
  const kept = anomalies.slice(0, maxAnomalies);
  const first = kept[0];
  return {
    checker: 'split-brain',
    valid: kept.length === 0,
    anomalies: kept,
    stats: {
      samples: input.roles.length,
      leaderships: all.length,
      sameEpochLeaders: anomalies.length - conflictCount,
      overlappingLeaderships: overlapCount,
      overlapsWithWritesOnBoth: conflictCount,
      writesAttributed: writes.attributed ? 'yes' : 'no: no event names the node that served it',
    },
    overlaps,
    ...(first === undefined ? {} : { sentence: describeSplitBrain(first) }),
  };
}

/** The writes a node acknowledged while it led from fromSeconds to toSeconds, by the checker's rule (writes.ts). */
export type WritesWhileLeading = (node: string, fromSeconds: number, toSeconds: number) => AcknowledgedWrite[];

function writesWhileLeading(writes: WritesByNode): WritesWhileLeading {
  return (node, fromSeconds, toSeconds) => writesWithin(writes.byNode.get(node), fromSeconds, toSeconds);
}

/**
 * The writes each leader acknowledged as checkSplitBrain counts them (same
 * write functions, same attribution to nodes), for views that explain an
 * anomaly the checker lists no writes for (two leaders in one epoch).
 */
export function leaderWrites(input: Pick<CheckerInput, 'operations' | 'events'>, options: SplitBrainOptions = {}): WritesWhileLeading {
  return writesWhileLeading(writesByNode(input.operations, input.events, options.writeFunctions ?? DEFAULT_WRITE_FUNCTIONS));
}

function span(leadership: Leadership): LeaderSpan {
  return { node: leadership.node, epoch: leadership.epoch, fromSeconds: leadership.from / 1e9, toSeconds: leadership.to / 1e9 };
}

function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

const SPLIT_BRAIN_SHAPES: Record<SplitBrainAnomaly['kind'], string> = {
  'same-epoch': 'two leaders in one epoch',
  'both-acknowledged-writes': 'two leaders acknowledged writes at once',
};

/** The kind of split brain, without its nodes, epochs or times. */
export function splitBrainShape(anomaly: Pick<SplitBrainAnomaly, 'kind'>): string {
  return SPLIT_BRAIN_SHAPES[anomaly.kind] ?? String(anomaly.kind);
}

export function describeSplitBrain(anomaly: SplitBrainAnomaly): string {
  if (anomaly.kind === 'same-epoch') {
    const nodes = [...new Set(anomaly.leaders.map((leader) => leader.node))];
    const listed = `${nodes.slice(0, -1).join(', ')} and ${nodes[nodes.length - 1]}`;
    const spans = anomaly.leaders.map(
      (leader) => `${leader.node} from ${seconds(leader.fromSeconds)} to ${seconds(leader.toSeconds)}`,
    );
    const all = nodes.length === 2 ? 'both' : 'all';
    return `nodes ${listed} were ${all} leader in epoch ${anomaly.epoch} (${spans.join(', ')})`;
  }
  const [first, second] = anomaly.leaders;
  const served = anomaly.leaders.map((leader, position) => {
    const write = anomaly.writes[position]![0]!;
    const count = anomaly.writeCounts[position]!;
    const noun = count === 1 ? 'write' : 'writes';
    return `${leader.node} ${count} ${noun}, the first by process ${String(write.process)} at ${seconds(write.returnSeconds)}`;
  });
  return (
    `nodes ${first.node} (epoch ${first.epoch}) and ${second.node} (epoch ${second.epoch}) were both leader from ` +
    `${seconds(anomaly.fromSeconds)} to ${seconds(anomaly.toSeconds)} and both acknowledged writes then: ${served.join('; ')}`
  );
}
