/**
 * Wing & Gong's linearizability search with Lowe's cache of explored
 * (linearized set, state) pairs, as in Porcupine, over one independent part
 * of a history. Operations with a known output must all be linearized;
 * info operations may be linearized anywhere after their call, or never.
 */
import assert from 'node:assert/strict';
import { ExploredCache, LinearizedSet } from './cache.js';
import { EntryList, NONE } from './entries.js';
import { findTwins, judgedCalls } from './search-setup.js';
import { INVALID, type Lookahead, type Model, type PreparedOperation } from './model.js';

export interface SearchLimits {
  /** Returns true once the search must stop; polled every few thousand steps. */
  expired(): boolean;
  /** Bound on the explored-pairs cache, in bytes. */
  maxCacheBytes: number;
}

export interface SearchFailure {
  /** Operations (indexes into the prepared list) of the longest linearizable prefix, in order. */
  prefix: number[];
  /** The operation whose return was reached without any way to linearize it. */
  blocking: number;
  /** Operations called but not linearized at that point, the blocking one included. */
  pending: number[];
  /** The model state after the prefix. */
  state: unknown;
}

export type SearchResult =
  | { valid: true; steps: number; cacheSize: number }
  | { valid: false; steps: number; cacheSize: number; failure: SearchFailure }
  | { valid: 'unknown'; steps: number; cacheSize: number; reason: 'timeout' | 'memory' };

const POLL_INTERVAL_STEPS = 4096;
/** How far past the current point the lookahead reads, unless the model says otherwise. */
const DEFAULT_LOOKAHEAD_ENTRIES = 24;
/**
 * Up to this many operations the failure is copied each time the search gets
 * deeper (cheap when parts are small); above it, a second pass finds it.
 */
const EAGER_CAPTURE_OPERATIONS = 1024;
const CAPTURE_EAGERLY = -2;
/** Slack, in steps, before a part that is searched about once through counts as hard. */
const EASY_EXTRA_STEPS = 256;
const NO_CAPTURE = -1;

export function searchLinearization<State, Input>(
  model: Model<State, Input>,
  operations: PreparedOperation<Input>[],
  limits: SearchLimits,
): SearchResult {
  const search = new Search(model, operations, limits);
  if (search.hasLookahead && model.lookaheadLazily === true) {
    // Most parts are linearized about once through, where the lookahead's walk costs more than
    // it prunes and the cache is never hit: a first pass without either, given up as soon as it
    // backtracks more than a little.
    // A linearization it finds is one (every step went through the model); anything else is
    // searched again from scratch exactly as before, so failures and counterexamples are unchanged.
    const quick = search.run({ captureDepth: NO_CAPTURE, lookahead: false, cache: false, maxSteps: search.easySteps });
    if (quick.valid === true || (quick.valid === 'unknown' && quick.reason !== GAVE_UP)) return finished(quick);
  }
  const eager = operations.length <= EAGER_CAPTURE_OPERATIONS;
  const first = search.run({ captureDepth: eager ? CAPTURE_EAGERLY : NO_CAPTURE, lookahead: true, cache: true, maxSteps: Infinity });
  if (first.valid !== false || eager) return finished(first);
  // Deterministic, so a second pass stops exactly at the deepest failure seen.
  return finished(search.run({ captureDepth: first.deepest, lookahead: true, cache: true, maxSteps: Infinity }));
}

/** A pass of the search: where it captures the failure, whether it looks ahead and caches, when it gives up. */
interface Pass {
  captureDepth: number;
  lookahead: boolean;
  /** Without the cache a pass may explore a configuration twice: only for a pass bounded in steps. */
  cache: boolean;
  maxSteps: number;
}

const GAVE_UP = 'gave up';
type PassResult = (SearchResult | { valid: 'unknown'; steps: number; cacheSize: number; reason: typeof GAVE_UP }) & { deepest: number };

/** A pass's result as the search's: only the quick pass gives up, and that never ends the search. */
function finished(result: PassResult): SearchResult {
  assert.ok(result.valid !== 'unknown' || result.reason !== GAVE_UP, 'a pass that gave up ended the search');
  return result as SearchResult;
}

class Search<State, Input> {
  private readonly entries: EntryList;
  private readonly set: LinearizedSet;
  private cache: ExploredCache<State>;
  private readonly inputs: Input[];
  private readonly known: Uint8Array;
  /** 1 for call entries of operations with a known output that the lookahead may reject. */
  private readonly judgedCall: Uint8Array;
  /** 1 for operations that never change the state when they step. */
  private readonly readOnly: Uint8Array;
  private readonly twin: Int32Array;
  /** The model's lookahead, made when a pass first needs it (a quick pass does not). */
  private feasible: Lookahead<State, Input> | null | undefined;
  private readonly operations: PreparedOperation<Input>[];
  private readonly lookaheadEntries: number;
  private readonly stackEntries: Int32Array;
  private readonly stackStates: State[];
  /** The cache's hash of each frame's state, so a step can hash incrementally (Model.hashAfter). */
  private readonly stackHashes: Uint32Array;
  /** 1 where the frame's operation was forced, so its siblings need no search. */
  private readonly stackForced: Uint8Array;
  private state: State;
  private stateHash: number;
  private depth = 0;
  private deepest = -1;
  private deepestFailure: PassResult | null = null;
  private steps = 0;
  private remaining = 0;
  /** Operations with a known output: what remaining starts from. */
  private readonly knownCount: number;
  private pass: Pass = { captureDepth: NO_CAPTURE, lookahead: true, cache: true, maxSteps: Infinity };
  /** Steps after which the part counts as hard (see pendingFeasible). */
  readonly easySteps: number;

  constructor(
    private readonly model: Model<State, Input>,
    operations: PreparedOperation<Input>[],
    private readonly limits: SearchLimits,
  ) {
    const count = operations.length;
    const call = new Float64Array(count);
    const returned = new Float64Array(count);
    this.inputs = new Array(count);
    this.known = new Uint8Array(count);
    this.readOnly = new Uint8Array(count);
    const judged = new Uint8Array(count);
    for (let index = 0; index < count; index++) {
      const prepared = operations[index]!;
      call[index] = prepared.operation.callIndex;
      returned[index] = prepared.outputKnown ? prepared.operation.returnIndex : Infinity;
      this.inputs[index] = prepared.input;
      this.known[index] = prepared.outputKnown ? 1 : 0;
      this.readOnly[index] = model.readOnly?.(prepared.input) === true ? 1 : 0;
      judged[index] = prepared.outputKnown && model.lookaheadJudges?.(prepared.input) !== false ? 1 : 0;
      this.remaining += this.known[index]!;
    }
    this.entries = new EntryList({ call, returned }, judged);
    this.judgedCall = judgedCalls(this.entries, judged);
    this.set = new LinearizedSet(this.known);
    this.cache = new ExploredCache<State>(model.equal, model.hash);
    this.twin = findTwins(operations);
    this.operations = operations;
    this.lookaheadEntries = model.lookaheadEntries ?? DEFAULT_LOOKAHEAD_ENTRIES;
    this.stackEntries = new Int32Array(count);
    this.stackStates = new Array(count);
    this.stackHashes = new Uint32Array(count);
    this.stackForced = new Uint8Array(count);
    this.state = model.init();
    this.stateHash = this.cache.hashOf(this.state);
    this.knownCount = this.remaining;
    this.easySteps = 2 * count + EASY_EXTRA_STEPS;
  }

  get hasLookahead(): boolean {
    return this.model.lookahead !== undefined;
  }

  run(pass: Pass): PassResult {
    this.begin(pass);
    const { next, isCall, operation: entryOperation } = this.entries;
    let entry = this.enterConfiguration();
    while (this.remaining > 0) {
      if (++this.steps % POLL_INTERVAL_STEPS === 0) {
        if (this.limits.expired()) return this.unknown('timeout');
        if (this.cache.bytes > this.limits.maxCacheBytes) return this.unknown('memory');
      }
      if (this.steps > pass.maxSteps) return this.unknown(GAVE_UP);
      if (entry !== NONE && isCall[entry] === 1) {
        entry = this.tryLinearize(entry, 0) ? this.enterConfiguration() : next[entry]!;
        continue;
      }
      // A return entry (its operation cannot be placed after this prefix), or
      // a configuration that a forced read already showed to fail.
      const outcome = this.backtrack(entry === NONE ? NONE : entryOperation[entry]!);
      if (outcome !== null) return outcome;
      entry = next[this.stackEntries[this.depth]!]!;
    }
    return { valid: true, steps: this.steps, cacheSize: this.cache.size, deepest: this.deepest };
  }

  /** Back to the empty prefix, with a fresh cache: an earlier pass may have stopped midway. */
  private begin(pass: Pass): void {
    while (this.depth > 0) {
      this.depth--;
      const entry = this.stackEntries[this.depth]!;
      this.set.toggle(this.entries.operation[entry]!);
      this.entries.unlift(entry);
    }
    this.pass = pass;
    this.state = this.model.init();
    this.cache = new ExploredCache<State>(this.model.equal, this.model.hash);
    this.stateHash = this.cache.hashOf(this.state);
    this.remaining = this.knownCount;
    this.steps = 0;
    this.deepest = -1;
    this.deepestFailure = null;
  }

  /**
   * Arriving at a new configuration: a read-only operation that fits the
   * current state is linearized at once, as a forced step. Placing it now is
   * never worse than later (it changes nothing and only lifts a constraint),
   * so when that branch fails the whole configuration fails.
   * Returns the entry to continue from, or NONE when the configuration fails.
   */
  private enterConfiguration(): number {
    const { entries, readOnly, known, model, inputs } = this;
    const { next, isCall, operation: entryOperation } = entries;
    while (this.remaining > 0) {
      let forced = NONE;
      for (let entry = next[entries.head]!; entry !== NONE && isCall[entry] === 1; entry = next[entry]!) {
        const operation = entryOperation[entry]!;
        if (readOnly[operation] === 1 && known[operation] === 1 && model.step(this.state, inputs[operation]!, true) !== INVALID) {
          forced = entry;
          break;
        }
      }
      if (forced === NONE) return next[entries.head]!;
      if (!this.tryLinearize(forced, 1)) return NONE;
    }
    return NONE;
  }

  /** Places the entry's operation next if the model, the lookahead and the cache allow it. */
  private tryLinearize(entry: number, forced: number): boolean {
    const { set, entries, known } = this;
    const operation = entries.operation[entry]!;
    const earlierTwin = this.twin[operation]!;
    // Its identical twin is still pending: placing this one instead is the same branch.
    if (earlierTwin !== NONE && !set.has(earlierTwin)) return false;
    const nextState = this.model.step(this.state, this.inputs[operation]!, known[operation] === 1);
    if (nextState === INVALID) return false;
    const { cache } = this;
    const caching = this.pass.cache;
    let stateHash = 0;
    if (caching) {
      stateHash = this.model.hashAfter === undefined ? cache.hashOf(nextState) : this.model.hashAfter(this.stateHash, this.inputs[operation]!, nextState);
      set.toggle(operation);
      const explored = cache.has(set, nextState, stateHash);
      set.toggle(operation);
      // An explored pair fails whatever the lookahead says, so its walk (the costly part) is skipped.
      if (explored) return false;
    }
    if (!this.lookaheadAllows(entry, operation, nextState)) return false;
    set.toggle(operation);
    if (caching) cache.insert(set, nextState, stateHash);
    this.stackEntries[this.depth] = entry;
    this.stackStates[this.depth] = this.state;
    this.stackHashes[this.depth] = this.stateHash;
    this.stackForced[this.depth] = forced;
    this.depth++;
    this.state = nextState;
    this.stateHash = stateHash;
    entries.lift(entry);
    this.remaining -= known[operation]!;
    return true;
  }

  /**
   * Undoes frames until one whose siblings are still worth trying; the caller
   * continues after that frame's entry. Returns a final result when the
   * search is over: nothing left to undo, or the failure to capture.
   */
  private backtrack(blocking: number): PassResult | null {
    if (blocking !== NONE) {
      if (this.depth > this.deepest) {
        this.deepest = this.depth;
        if (this.pass.captureDepth === CAPTURE_EAGERLY) this.deepestFailure = this.failure(blocking);
      }
      if (this.depth === this.pass.captureDepth) return this.failure(blocking);
    }
    for (;;) {
      if (this.depth === 0) {
        if (this.deepestFailure === null) return this.failure(blocking === NONE ? 0 : blocking);
        return { ...this.deepestFailure, steps: this.steps, cacheSize: this.cache.size };
      }
      this.depth--;
      const entry = this.stackEntries[this.depth]!;
      const operation = this.entries.operation[entry]!;
      this.state = this.stackStates[this.depth]!;
      this.stateHash = this.stackHashes[this.depth]!;
      this.set.toggle(operation);
      this.entries.unlift(entry);
      this.remaining += this.known[operation]!;
      if (this.stackForced[this.depth] === 0) return null;
    }
  }

  /**
   * A read changes neither the state nor which writes are pending: nothing new to look ahead at.
   * An operation that every order must place next is no branch to cut: the next true branch
   * point looks ahead (from closer), or the search meets the dead read itself a few steps on.
   */
  private lookaheadAllows(entry: number, operation: number, nextState: State): boolean {
    if (!this.pass.lookahead || this.readOnly[operation] === 1 || this.onlyCandidate(entry)) return true;
    const feasible = this.feasible === undefined ? (this.feasible = this.model.lookahead?.(this.operations) ?? null) : this.feasible;
    if (feasible === null) return true;
    return this.pendingFeasible(entry, nextState, feasible);
  }

  /** Whether the entry is the only call before the first return: every order places it next. */
  private onlyCandidate(entry: number): boolean {
    const { next, isCall } = this.entries;
    if (next[this.entries.head] !== entry) return false;
    const after = next[entry]!;
    return after === NONE || isCall[after] === 0;
  }

  /**
   * Whether every other operation with a known output, pending now or called
   * within the next few entries, can still follow nextState.
   */
  private pendingFeasible(current: number, nextState: State, feasible: Lookahead<State, Input>): boolean {
    const { entries, inputs, judgedCall, set } = this;
    const { next, operation } = entries;
    // A part searched about once through (no backtracking to speak of) needs no far lookahead;
    // one that backtracks gets the model's full reach.
    let budget = this.steps > this.easySteps ? this.lookaheadEntries : Math.min(this.lookaheadEntries, DEFAULT_LOOKAHEAD_ENTRIES);
    // The reach covers the whole list: the judged calls alone, linked apart, are the same walk.
    if (entries.linked <= budget) {
      const { watchedNext } = entries;
      for (let entry = watchedNext[entries.head]!; entry !== NONE; entry = watchedNext[entry]!) {
        if (entry === current) continue;
        const candidate = operation[entry]!;
        if (!feasible(nextState, inputs[candidate]!, set, candidate)) return false;
      }
      return true;
    }
    for (let entry = next[entries.head]!; entry !== NONE && budget > 0; entry = next[entry]!, budget--) {
      if (judgedCall[entry] === 0 || entry === current) continue;
      const candidate = operation[entry]!;
      if (!feasible(nextState, inputs[candidate]!, set, candidate)) return false;
    }
    return true;
  }

  private failure(blocking: number): PassResult {
    const { entries, stackEntries } = this;
    const prefix: number[] = [];
    for (let level = 0; level < this.depth; level++) prefix.push(entries.operation[stackEntries[level]!]!);
    const pending: number[] = [];
    for (let entry = entries.next[entries.head]!; entry !== NONE; entry = entries.next[entry]!) {
      if (entries.isCall[entry] === 1) pending.push(entries.operation[entry]!);
      if (entries.operation[entry] === blocking && entries.isCall[entry] === 0) break;
    }
    const failure = { prefix, blocking, pending, state: this.state };
    return { valid: false, steps: this.steps, cacheSize: this.cache.size, failure, deepest: this.deepest };
  }

  private unknown(reason: 'timeout' | 'memory' | typeof GAVE_UP): PassResult {
    return { valid: 'unknown', steps: this.steps, cacheSize: this.cache.size, reason, deepest: this.deepest };
  }
}
