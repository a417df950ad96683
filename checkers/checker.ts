/**
 * The Checker seam of DESIGN.md: a pure function from a history (and options)
 * to a result. Checkers see histories and results only, never clusters or
 * runtimes, so a history recorded anywhere can be checked. As in Jepsen's
 * small protocols: a checker that throws yields "unknown" with the reason,
 * verdicts combine false > unknown > true, and a validating wrapper holds
 * checkers to the result shape.
 */
import assert from 'node:assert/strict';
import { isFaultlineError } from '../common/errors.js';
import { pairEvents } from '../common/history/pair.js';
import type { EventType, HistoryEvent, Operation, ProcessId } from '../common/history/types.js';
import type { NodeCrash } from './crash/check.js';
import type { FinalEphemerals } from './ephemerals/check.js';

export type Verdict = true | false | 'unknown';

/**
 * What a read mode promises about register reads (the System seam describes
 * each mode with one): `linearizable`, `sequential` (stale reads, but each
 * client sees a key move only forward and sees its own writes) or
 * `serializable` (stale reads, no promise across reads).
 */
export type ReadPromise = 'linearizable' | 'sequential' | 'serializable';

export interface CheckerResult<Anomaly = unknown> {
  checker: string;
  valid: Verdict;
  /** Why the verdict is unknown; set whenever valid is "unknown". */
  reason?: string;
  /** What went wrong, typed per checker; non-empty whenever valid is false. */
  anomalies: Anomaly[];
  stats: Record<string, number | string>;
  /** The first anomaly in plain words, for the report's headline. */
  sentence?: string;
  /**
   * Set when the property judged is stronger than the run's read mode
   * promises: the result is shown, a violation is expected under that
   * promise, and it does not count toward the run's verdict.
   */
  expectedUnder?: ReadPromise;
}

/** One row of roles.jsonl: a node's role as sampled during the run. */
export interface RoleSample {
  /** Nanoseconds since run start, on the same clock as the history. */
  time: number;
  node: string;
  role: string;
  /** Epoch (ZAB) or term (Raft). */
  epoch: number;
  commitPosition?: number;
}

/** Each node's final state: node -> key -> value (from final reads or an admin dump). */
export type FinalStates = Record<string, Record<string, unknown>>;

export interface CheckerInput {
  /** Client operations, paired, in invocation order. */
  operations: Operation[];
  /** Every event of the history, nemesis events included, in history order. */
  events: HistoryEvent[];
  roles?: RoleSample[];
  finalStates?: FinalStates;
  /** Nodes that died by themselves during the run, as the run recorded them (crashes.json). */
  crashes?: NodeCrash[];
  /** Each node's ephemerals and live sessions after recovery, when the system can read them (final-ephemerals.json). */
  finalEphemerals?: FinalEphemerals;
}

/** Options come last so that a list of differently-optioned checkers is still a Checker[]. */
export interface Checker<Options = unknown, Result extends CheckerResult = CheckerResult> {
  name: string;
  check(input: CheckerInput, options: Options): Result;
}

/** Runs a checker; a throw becomes an "unknown" result that names the reason. */
export function runChecker<Options, Result extends CheckerResult>(
  checker: Checker<Options, Result>,
  input: CheckerInput,
  options: Options,
): Result | CheckerResult<never> {
  try {
    return checker.check(input, options);
  } catch (error) {
    return {
      checker: checker.name,
      valid: 'unknown',
      reason: `the ${checker.name} checker failed: ${describeFailure(error)}`,
      anomalies: [],
      stats: {},
    };
  }
}

/** One line: a user's input mistake says where it is; anything else gives its message. */
function describeFailure(error: unknown): string {
  if (isFaultlineError(error)) return error.where === undefined ? error.message : `${error.message} (${error.where})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * false beats unknown beats true; no results at all is true, as in Jepsen's
 * compose. A result marked expectedUnder judges a property the run's read mode
 * does not promise, so it does not count.
 */
export function combineVerdicts(results: ReadonlyArray<Pick<CheckerResult, 'valid' | 'expectedUnder'>>): Verdict {
  let combined: Verdict = true;
  for (const result of results) {
    if (result.expectedUnder !== undefined) continue;
    if (result.valid === false) return false;
    if (result.valid === 'unknown') combined = 'unknown';
  }
  return combined;
}

/**
 * The reason of a checker that had no evidence: absent evidence is unknown,
 * never valid, so a CI job cannot pass on a run that recorded nothing.
 */
export function nothingToJudge(what: string, lookAt: string): string {
  return `nothing to judge: ${what}, so it cannot be called valid; ${lookAt}`;
}

/** Where to look when a run's clients completed nothing. */
export const LOOK_AT_CLIENTS =
  'look at whether the clients reached the cluster at all (the run\'s nodes/*/*.log and the faults in its history), ' +
  'or, for a file, whether it is the history you meant';

/** The one word for a verdict, in the CLI, the reports, the index page and JUnit alike. */
export type VerdictWord = 'valid' | 'VIOLATION' | 'unknown';

export function verdictWord(verdict: Verdict | undefined): VerdictWord {
  if (verdict === true) return 'valid';
  return verdict === false ? 'VIOLATION' : 'unknown';
}

/** Checks nothing and always passes: a placeholder where a workload has no checker yet. */
export const noopChecker: Checker<unknown> = {
  name: 'noop',
  check: () => ({ checker: 'noop', valid: true, anomalies: [], stats: {} }),
};

/**
 * Wraps a checker so that a result of the wrong shape is an assertion error,
 * which runChecker turns into "unknown" rather than a silent pass.
 */
export function validated<Options, Result extends CheckerResult>(
  checker: Checker<Options, Result>,
): Checker<Options, Result> {
  return {
    name: checker.name,
    check(input, options) {
      const result = checker.check(input, options);
      assertResultShape(checker.name, result);
      return result;
    },
  };
}

export function assertResultShape(name: string, result: unknown): asserts result is CheckerResult {
  assert.ok(typeof result === 'object' && result !== null, `${name} returned ${String(result)}, not a result object`);
  const candidate = result as Partial<CheckerResult>;
  assert.equal(candidate.checker, name, `${name} returned a result named ${String(candidate.checker)}`);
  assert.ok(
    candidate.valid === true || candidate.valid === false || candidate.valid === 'unknown',
    `${name} returned valid = ${JSON.stringify(candidate.valid)}, not true, false or "unknown"`,
  );
  assert.ok(Array.isArray(candidate.anomalies), `${name} returned no anomalies array`);
  assert.ok(typeof candidate.stats === 'object' && candidate.stats !== null, `${name} returned no stats`);
  for (const [key, value] of Object.entries(candidate.stats)) {
    assert.ok(typeof value === 'number' || typeof value === 'string', `${name}: stat ${key} is ${typeof value}`);
  }
  if (candidate.valid === 'unknown') assert.ok(typeof candidate.reason === 'string', `${name}: unknown without a reason`);
  if (candidate.valid === false) assert.ok(candidate.anomalies.length > 0, `${name}: false without an anomaly`);
  if (candidate.expectedUnder !== undefined) assert.ok(['sequential', 'serializable'].includes(candidate.expectedUnder), `${name}: expected under ${String(candidate.expectedUnder)}`);
  if (candidate.sentence !== undefined) assert.equal(typeof candidate.sentence, 'string', `${name}: sentence not text`);
}

/** The checker input of an in-memory history: its operations paired, its events kept. */
export function inputFromEvents(events: HistoryEvent[], extra: Partial<CheckerInput> = {}): CheckerInput {
  return { ...extra, operations: pairEvents(events).operations, events };
}

/** A point of the history: its event index (null for the end) and, when the history has times, seconds. */
export interface Moment {
  index: number | null;
  seconds?: number;
}

export function momentOf(index: number, time: number | undefined): Moment {
  const result: Moment = { index: Number.isFinite(index) ? index : null };
  if (time !== undefined) result.seconds = time / 1e9;
  return result;
}

/** "12.10 s", "event 57", or "the end of the history". */
export function describeMomentOf(point: Moment): string {
  if (point.index === null) return 'the end of the history';
  return describeMoment(point.seconds === undefined ? undefined : point.seconds * 1e9, point.index);
}

/** "12.10 s" from nanoseconds, or "event 57" when the history has no times. */
export function describeMoment(time: number | undefined, index: number): string {
  if (time !== undefined && Number.isFinite(time)) return `${(time / 1e9).toFixed(2)} s`;
  return Number.isFinite(index) ? `event ${index}` : 'the end of the history';
}

/** A key for messages: "" when the history has no keys. */
export function onKey(key: string | number | undefined | null): string {
  return key === undefined || key === null ? '' : ` ${String(key)}`;
}

/**
 * The one order of keys for results and for "the first violated key":
 * by code units, not locale, so it is the same on every machine.
 */
export function compareKeys(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}

/** Groups operations by key (null for unkeyed), keeping invocation order inside each group. */
export function groupByKey(operations: readonly Operation[]): Map<string | null, Operation[]> {
  const groups = new Map<string | null, Operation[]>();
  for (const operation of operations) {
    const key = operation.key === undefined ? null : String(operation.key);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(operation);
  }
  return groups;
}

/** Anomaly lists are capped so a broken run still yields a readable result; stats keep the true counts. */
export const DEFAULT_MAX_ANOMALIES = 100;

/** A whole operation as one record, for building histories in tests and in tools that log operations. */
export interface OperationSpan {
  process: ProcessId;
  f: string;
  /** Seconds; converted to nanoseconds. */
  callSeconds: number;
  /** Seconds; absent for an operation never completed. */
  returnSeconds?: number;
  type?: Exclude<EventType, 'invoke'>;
  key?: string | number;
  value?: unknown;
  /** The completion's value when it differs from the invocation's. */
  output?: unknown;
  /** Extra fields copied onto the completion event, e.g. the serving node. */
  fields?: Record<string, unknown>;
}

/** Events of the given spans in time order (invocations first on ties), indexed from 0. */
export function eventsFromSpans(spans: readonly OperationSpan[]): HistoryEvent[] {
  const timed: Array<{ event: HistoryEvent; order: number }> = [];
  spans.forEach((span, position) => {
    const invoke = spanEvent(span, 'invoke', span.callSeconds, span.value);
    timed.push({ event: invoke, order: position });
    if (span.returnSeconds === undefined) return;
    const completion = spanEvent(span, span.type ?? 'ok', span.returnSeconds, 'output' in span ? span.output : span.value);
    if (span.fields !== undefined) Object.assign(completion, span.fields);
    timed.push({ event: completion, order: position + spans.length });
  });
  timed.sort((left, right) => left.event.time! - right.event.time! || left.order - right.order);
  return timed.map(({ event }, index) => {
    event.index = index;
    return event;
  });
}

function spanEvent(span: OperationSpan, type: EventType, seconds: number, value: unknown): HistoryEvent {
  const event: HistoryEvent = { index: 0, time: Math.round(seconds * 1e9), process: span.process, type, f: span.f };
  if (span.key !== undefined) event.key = span.key;
  if (value !== undefined) event.value = value;
  return event;
}
