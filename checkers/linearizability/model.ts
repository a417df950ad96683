/**
 * A sequential specification, Porcupine-style: pure functions over immutable
 * states. The search calls step() in its hot loop, so a model first prepares
 * each operation into a compact form and step() returns the next state, or
 * INVALID, without allocating a result object.
 */
import type { Operation } from '../../common/history/types.js';

export const INVALID: unique symbol = Symbol('invalid');
export type StepResult<State> = State | typeof INVALID;

/** An operation as the model sees it, after prepare(). */
export interface PreparedOperation<Input> {
  /** The history operation it came from. */
  operation: Operation;
  input: Input;
  /** False for info operations: the model must accept any output. */
  outputKnown: boolean;
}

/**
 * Whether an operation with a known output (input, at index in the part's
 * prepared list) can still be linearized later, from this state, given which
 * operations (indexes into that list) are already linearized. Must never say
 * false when it could be.
 */
export type Lookahead<State, Input> = (state: State, input: Input, linearized: OperationSet, index: number) => boolean;

/** Which operations (indexes into a part's prepared list) are linearized. */
export interface OperationSet {
  has(operation: number): boolean;
}

export interface Model<State = unknown, Input = unknown> {
  name: string;
  /** One line for --help and errors. */
  summary: string;
  init(): State;
  /**
   * Turns a history operation into the model's input, or null to drop it (a
   * failed operation, or an info operation that cannot change the state).
   * Throws a HistoryError for an operation the model does not understand.
   */
  prepare(operation: Operation): Input | null;
  step(state: State, input: Input, outputKnown: boolean): StepResult<State>;
  equal(left: State, right: State): boolean;
  /** A 32-bit hash consistent with equal(); absent means "all states collide". */
  hash?(state: State): number;
  /**
   * hash(nextState), where nextState = step(state, input, ...), computed from
   * hash(state) when that is cheaper (a long string that an append extends).
   * Must equal hash(nextState) exactly. Absent: the search calls hash().
   */
  hashAfter?(stateHash: number, input: Input, nextState: State): number;
  /**
   * Drops info operations that provably cannot matter (e.g. a write of a value
   * nobody ever observes). Must keep the verdict unchanged.
   */
  prune?(operations: PreparedOperation<Input>[]): PreparedOperation<Input>[];
  /**
   * True for an input that never changes the state when it steps (a read).
   * The search places such operations as soon as they fit, without branching.
   */
  readOnly?(input: Input): boolean;
  /**
   * Given one part's operations, a necessary condition for an operation with a
   * known output to be linearizable at some later point from a state, or null
   * when the model knows none. Lets the search drop dead branches early.
   */
  lookahead?(operations: PreparedOperation<Input>[]): Lookahead<State, Input> | null;
  /**
   * False for an input the lookahead always accepts (a write): the search
   * does not ask about it. Absent: every input is asked about.
   */
  lookaheadJudges?(input: Input): boolean;
  /**
   * How many list entries past the current point the lookahead examines per
   * step: further finds dead branches sooner, at a cost on every step.
   */
  lookaheadEntries?: number;
  /**
   * True when the lookahead costs more than it prunes on a part linearized
   * about once through (kv: its walk compares pending gets' values with the
   * state on every write): the search first tries a pass without it, given
   * up once it backtracks.
   */
  lookaheadLazily?: boolean;
  /** A short, human reading of an operation: "write 5", "cas 1->2". */
  describeOperation(operation: Operation): string;
  describeState(state: State): string;
}

/**
 * What a history's values mean where tools differ. "faultline" (its JSONL): a
 * read of null saw an absent (null) register, and only a mutex's holder may
 * release it. "knossos" (Jepsen and Knossos histories, as knossos.model reads
 * them): a read whose value is nil was not observed and fits any state, and a
 * mutex is only locked or free, whoever releases it.
 */
export type Semantics = 'faultline' | 'knossos';

export const SEMANTICS: readonly Semantics[] = ['knossos', 'faultline'];

/** Options a model factory accepts, from `--init <json>` and `--semantics`. */
export interface ModelOptions {
  /** The initial value of a register or map; undefined means "absent". */
  initial?: unknown;
  /** Default "faultline". */
  semantics?: Semantics;
}

/** True for a read result that, under Knossos' semantics, says nothing: nil. */
export function isUnobservedRead(value: unknown, options: ModelOptions): boolean {
  return options.semantics === 'knossos' && (value === null || value === undefined);
}

export type ModelFactory = (options: ModelOptions) => Model<unknown, unknown>;

/** Equality of plain JSON values, for model states and values. */
export function valuesEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left === null || right === null || left === undefined || right === undefined) {
    return (left ?? null) === (right ?? null);
  }
  if (typeof left !== 'object' || typeof right !== 'object') return false;
  return JSON.stringify(left) === JSON.stringify(right);
}

/** A 32-bit hash of a plain JSON value, consistent with valuesEqual. */
export function hashValue(value: unknown): number {
  if (value === null || value === undefined) return 0x9e3779b9;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 0x7fffffff) return Math.imul(value | 0, 0x85ebca6b) ^ 0x27d4eb2f;
    return hashText(String(value));
  }
  if (typeof value === 'string') return hashText(value);
  if (typeof value === 'boolean') return value ? 0x1b873593 : 0x2545f491;
  return hashText(JSON.stringify(value));
}

export function hashText(text: string): number {
  return continueHashText(0x811c9dc5, text);
}

/** hashText(prefix + text), given hashText(prefix): FNV-1a reads the characters in order. */
export function continueHashText(prefixHash: number, text: string): number {
  let hash = prefixHash;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return JSON.stringify(value);
}
