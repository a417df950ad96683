/**
 * Convergence, after heal and recovery: every replica holds the same state,
 * and no acknowledged write is missing from it (register.ts has the rule for
 * which final values a key may hold).
 *
 * A final state lists the keys a node holds; a key it does not list holds
 * nothing, i.e. null, the empty register. Leave out a node whose state could
 * not be read at all rather than passing it empty. The keys judged are those
 * of any final state and those written by the history; operations without a
 * key cannot be matched to a state and are only counted.
 */
import {
  DEFAULT_MAX_ANOMALIES,
  describeMoment,
  groupByKey,
  LOOK_AT_CLIENTS,
  nothingToJudge,
  type Checker,
  type CheckerInput,
  type CheckerResult,
  type FinalStates,
} from '../checker.js';
import { canonical, keyWrites, registerWrittenValue, type KeyWrites, type WrittenValue } from './register.js';

export interface Divergence {
  kind: 'divergent';
  key: string;
  /** Each distinct value, with the nodes holding it. */
  values: Array<{ value: unknown; nodes: string[] }>;
}

export interface UnwrittenValue {
  kind: 'unwritten-value';
  key: string;
  nodes: string[];
  value: unknown;
}

export interface LostWrite {
  kind: 'lost-write';
  key: string;
  nodes: string[];
  /** What they hold: a value every write of which was certainly overwritten. */
  found: unknown;
  /** The ok write, invoked after every write of `found` completed, that overwrote it. */
  overwrittenBy: { process: number | string; value: unknown; callIndex: number; callSeconds?: number };
}

export type ConvergenceAnomaly = Divergence | UnwrittenValue | LostWrite;

export interface ConvergenceOptions {
  writtenValue?: WrittenValue;
  maxAnomalies?: number;
}

export type ConvergenceResult = CheckerResult<ConvergenceAnomaly>;

export const convergenceChecker: Checker<ConvergenceOptions, ConvergenceResult> = {
  name: 'convergence',
  check: (input, options) => checkConvergence(input, options),
};

export function checkConvergence(input: CheckerInput, options: ConvergenceOptions = {}): ConvergenceResult {
  const states = input.finalStates;
  if (states === undefined || Object.keys(states).length === 0) {
    const reason = nothingToJudge('there are no final states: the run read no node state after recovery (final-states.json)', 'look at whether the nodes were up for the final reads (nodes/*/*.log)');
    return { checker: 'convergence', valid: 'unknown', reason, anomalies: [], stats: {} };
  }
  const byKey = groupByKey(input.operations);
  const unkeyed = byKey.get(null)?.length ?? 0;
  byKey.delete(null);
  const keys = new Set<string>([...byKey.keys()].filter((key): key is string => key !== null));
  for (const state of Object.values(states)) for (const key of Object.keys(state)) keys.add(key);
  const found: ConvergenceAnomaly[] = [];
  const counts = { divergent: 0, 'unwritten-value': 0, 'lost-write': 0 };
  for (const key of [...keys].sort()) {
    const holders = valuesOf(states, key);
    const writes = keyWrites(byKey.get(key) ?? [], options.writtenValue ?? registerWrittenValue);
    const anomalies = judgeKey(key, holders, writes);
    for (const anomaly of anomalies) counts[anomaly.kind] += 1;
    found.push(...anomalies);
  }
  const anomalies = found.slice(0, options.maxAnomalies ?? DEFAULT_MAX_ANOMALIES);
  const first = anomalies[0];
  const noKeys = keys.size === 0;
  const what = 'no key was written by the history or held by any node';
  return {
    checker: 'convergence',
    valid: noKeys ? 'unknown' : anomalies.length === 0,
    ...(noKeys ? { reason: nothingToJudge(what, LOOK_AT_CLIENTS) } : {}),
    anomalies,
    stats: {
      nodes: Object.keys(states).length,
      keys: keys.size,
      divergentKeys: counts.divergent,
      unwrittenValues: counts['unwritten-value'],
      lostWrites: counts['lost-write'],
      unkeyedOperations: unkeyed,
    },
    ...(first === undefined ? {} : { sentence: describeConvergence(first) }),
  };
}

/** Distinct values of a key across nodes, each with its holders, in node order. */
function valuesOf(states: FinalStates, key: string): Map<string, { value: unknown; nodes: string[] }> {
  const holders = new Map<string, { value: unknown; nodes: string[] }>();
  for (const node of Object.keys(states).sort()) {
    const value = states[node]![key] ?? null;
    const text = canonical(value);
    const entry = holders.get(text);
    if (entry === undefined) holders.set(text, { value, nodes: [node] });
    else entry.nodes.push(node);
  }
  return holders;
}

function judgeKey(key: string, holders: Map<string, { value: unknown; nodes: string[] }>, writes: KeyWrites): ConvergenceAnomaly[] {
  const anomalies: ConvergenceAnomaly[] = [];
  if (holders.size > 1) anomalies.push({ kind: 'divergent', key, values: [...holders.values()] });
  for (const [text, { value, nodes }] of holders) {
    if (writes.possible.has(text)) continue;
    if (!writes.written.has(text)) {
      anomalies.push({ kind: 'unwritten-value', key, nodes, value });
      continue;
    }
    const latest = writes.latest!.operation;
    const overwrittenBy: LostWrite['overwrittenBy'] = {
      process: latest.process,
      value: writes.latest!.value,
      callIndex: latest.callIndex,
    };
    if (latest.callTime !== undefined) overwrittenBy.callSeconds = latest.callTime / 1e9;
    anomalies.push({ kind: 'lost-write', key, nodes, found: value, overwrittenBy });
  }
  return anomalies;
}

function listNodes(nodes: readonly string[]): string {
  const noun = nodes.length === 1 ? 'node' : 'nodes';
  const listed = nodes.length === 1 ? nodes[0]! : `${nodes.slice(0, -1).join(', ')} and ${nodes[nodes.length - 1]}`;
  return `${noun} ${listed}`;
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'nothing' : JSON.stringify(value);
}

const CONVERGENCE_SHAPES: Record<ConvergenceAnomaly['kind'], string> = {
  divergent: 'replicas disagree after recovery',
  'unwritten-value': 'a replica holds a value no write wrote',
  'lost-write': 'replicas hold a value an acknowledged write had overwritten',
};

/** The kind of anomaly, without its key, nodes or values. */
export function convergenceShape(anomaly: Pick<ConvergenceAnomaly, 'kind'>): string {
  return CONVERGENCE_SHAPES[anomaly.kind] ?? String(anomaly.kind);
}

export function describeConvergence(anomaly: ConvergenceAnomaly): string {
  if (anomaly.kind === 'divergent') {
    const parts = anomaly.values.map(
      ({ value, nodes }) => `${listNodes(nodes)} ${nodes.length === 1 ? 'holds' : 'hold'} ${show(value)}`,
    );
    return `replicas disagree on key ${anomaly.key}: ${parts.join(', ')}`;
  }
  const verb = anomaly.nodes.length === 1 ? 'holds' : 'hold';
  if (anomaly.kind === 'unwritten-value') {
    const holding = `${listNodes(anomaly.nodes)} ${verb} ${show(anomaly.value)} for key ${anomaly.key}`;
    return `${holding}, a value no write that could have happened wrote`;
  }
  const by = anomaly.overwrittenBy;
  const when = describeMoment(by.callSeconds === undefined ? undefined : by.callSeconds * 1e9, by.callIndex);
  const after = anomaly.found === null ? '' : ' after every write of that value had completed';
  return (
    `${listNodes(anomaly.nodes)} ${verb} ${show(anomaly.found)} for key ${anomaly.key}, but the acknowledged write of ` +
    `${show(by.value)} by process ${String(by.process)}, invoked at ${when}${after}, is missing`
  );
}
