/**
 * The history format of DESIGN.md: one event per line, Jepsen's shape.
 * Every tool in faultline reads and writes histories through these types.
 */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

export const EVENT_TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];

/** A client process number, or a named actor such as "nemesis". */
export type ProcessId = number | string;

export interface HistoryEvent {
  /** Position in the history, 0-based. */
  index: number;
  /** Nanoseconds since run start, monotonic; absent in some imported histories. */
  time?: number;
  process: ProcessId;
  type: EventType;
  f: string;
  /** Independent key, checked separately from other keys. */
  key?: string | number;
  /** Argument on invoke, result on completion. */
  value?: unknown;
  /** Why a completion is not ok. */
  error?: unknown;
  /** The server that answered an ok completion, when known (for the split-brain checker). */
  node?: string;
}

/** Where an event came from, for error messages: "file:line". */
export interface EventSource {
  file: string;
  line: number;
}

/**
 * An invocation paired with its completion. Failed operations are kept here
 * (status "fail") so that counts are honest; checkers drop them.
 */
export interface Operation {
  /** 0-based, in order of invocation. */
  id: number;
  process: ProcessId;
  f: string;
  key?: string | number;
  /** The invocation's value. */
  input: unknown;
  /** The completion's value; for info and open operations, the invocation's. */
  output: unknown;
  /** "info" also stands for operations never completed in the history. */
  status: 'ok' | 'fail' | 'info';
  /** Event index of the invocation. */
  callIndex: number;
  /** Event index of the completion; Infinity for info and open operations. */
  returnIndex: number;
  /** Nanoseconds, when the history has times. */
  callTime?: number;
  returnTime?: number;
  error?: unknown;
}

/** Process id of nemesis events; they are not client operations. */
export const NEMESIS_PROCESS = 'nemesis';
