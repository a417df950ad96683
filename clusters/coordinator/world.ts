/**
 * The world a coordinator node lives in. The core never touches Node.js
 * networking, files or timers: every effect goes through these interfaces, so
 * the same core runs in the deterministic simulator (harness/runtimes/sim) and,
 * later, as a real process over TCP with file-backed storage.
 */

/** "n1".."nN" for servers; clients have their own addresses, e.g. "c7". */
export type Address = string;

export type TimerHandle = number;

/** A node's own clock. It may be skewed: offset, drift rate, jumps. */
export interface Clock {
  /** This node's wall-clock reading, in milliseconds. */
  nowMs(): number;
  /** Runs callback after delayMs as measured by this node's (possibly drifting) clock. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /**
   * The clock timers run on, in milliseconds: it only moves forward, at the
   * node's (possibly drifting) rate, and ignores jumps of the wall clock.
   * Optional; with it, a deadline pushed back on every message costs a
   * number instead of a new timer (TimerSet.extend).
   */
  monotonicMs?(): number;
}

/**
 * The clock every elapsed time is measured on (timeouts, liveness, idle
 * connections): the monotonic one, so that a wall clock set back cannot make
 * a silent peer look fresh, nor one set forward make a live peer look dead.
 * A host without one (a test double whose wall clock never jumps) gives its
 * wall clock.
 */
export function monotonicNowMs(clock: Clock): number {
  return clock.monotonicMs?.() ?? clock.nowMs();
}

/** Seeded randomness; the only source of chance in the core. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [minInclusive, maxExclusive). */
  integer(minInclusive: number, maxExclusive: number): number;
}

/**
 * Durable key-value storage with explicit fsync. Writes are visible at once
 * but survive a crash only after sync(): a crash keeps exactly what the last
 * sync() covered. Values must be plain JSON-serializable data, and are not to
 * be changed once stored: a host may freeze them (the simulator does).
 */
export interface Storage {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** Keys with this prefix, in lexicographic order. */
  keys(prefix: string): string[];
  sync(): void;
}

/** Messages are plain JSON-serializable objects with a string `type`. */
export interface Message {
  type: string;
  [field: string]: unknown;
}

/**
 * Best effort, like a network: may lose, delay, duplicate or reorder. A
 * message is not to be changed once sent, by sender or receiver: a host may
 * freeze it (the simulator does) rather than copy it.
 */
export interface Transport {
  send(to: Address, message: Message): void;
  /**
   * For a message that announces nothing a sync() made durable (a heartbeat,
   * a leadership confirmation): a host that holds messages back until their
   * syncs are on disk (group commit) sends this one at once. Hosts without
   * such a hold leave it out; callers then use send().
   */
  sendAtOnce?(to: Address, message: Message): void;
}

/** Something that receives messages: a server node or a client. */
export interface Endpoint {
  receive(from: Address, message: Message): void;
}

/** Everything a node is given by its host. */
export interface World {
  self: Address;
  clock: Clock;
  random: Random;
  storage: Storage;
  transport: Transport;
  /** Appends a line to the node's log (a file on real hosts, a buffer in the simulator). */
  log(line: string): void;
}
