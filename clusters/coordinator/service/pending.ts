/**
 * Requests in flight on a server, and what they wait for: their own command
 * to be applied, the applied position to reach a point, or a read index from
 * the leader. A request finishes once, with an answer or (deadline passed, or
 * the outcome is unknowable) with none; late callbacks for it do nothing.
 */
import type { Address, TimerHandle } from '../world.js';
import type { Position } from '../engine.js';
import type { ApplyOutcome } from './state-machine.js';
import type { ClientMessage } from './protocol.js';
import { OrderedInbox } from './protocol.js';

export interface Connection {
  key: string;
  client: Address;
  connectionId: number;
  /** Set once the connect succeeded. */
  sessionId: number | null;
  inbox: OrderedInbox<ClientMessage>;
  nextSendSeq: number;
  /** FIFO; the head is the one being served, the rest wait their turn. */
  queue: PendingRequest[];
  closed: boolean;
}

export interface PendingRequest {
  connection: Connection;
  message: ClientMessage;
  done: boolean;
  deadline: TimerHandle | null;
  /** Undo registrations in the wait tables when the request finishes. */
  cleanups: Array<() => void>;
}

export function connectionKey(client: Address, connectionId: number): string {
  return `${client}#${connectionId}`;
}

/** The wait tables; callbacks run only for requests still unfinished. */
export class WaitTables {
  private readonly byRequestKey = new Map<string, (outcome: ApplyOutcome) => void>();
  private positionWaiters: Array<{ position: Position; callback: () => void }> = [];
  private readonly readIndexWaiters = new Map<number, (ok: boolean, position: Position, reason: string) => void>();
  private nextReadId = 1;

  /** Calls back when the command known by `key` is applied here. */
  awaitApply(request: PendingRequest, key: string, callback: (outcome: ApplyOutcome) => void): void {
    this.byRequestKey.set(key, (outcome) => {
      if (!request.done) callback(outcome);
    });
    request.cleanups.push(() => this.byRequestKey.delete(key));
  }

  /** Calls back once the applied position reaches `position` (at once if it has). */
  whenApplied(request: PendingRequest, applied: Position, position: Position, callback: () => void): void {
    if (applied >= position) {
      callback();
      return;
    }
    const waiter = {
      position,
      callback: () => {
        if (!request.done) callback();
      },
    };
    this.positionWaiters.push(waiter);
    request.cleanups.push(() => {
      this.positionWaiters = this.positionWaiters.filter((other) => other !== waiter);
    });
  }

  /** Registers a read-index question to the leader; returns its id. */
  awaitReadIndex(request: PendingRequest, callback: (ok: boolean, position: Position, reason: string) => void): number {
    const readId = this.nextReadId++;
    this.readIndexWaiters.set(readId, (ok, position, reason) => {
      if (!request.done) callback(ok, position, reason);
    });
    request.cleanups.push(() => this.readIndexWaiters.delete(readId));
    return readId;
  }

  applied(outcome: ApplyOutcome): void {
    if (outcome.requestKey === null) return;
    const waiter = this.byRequestKey.get(outcome.requestKey);
    if (waiter === undefined) return;
    this.byRequestKey.delete(outcome.requestKey);
    waiter(outcome);
  }

  /** Wakes position waiters now satisfied, in the order they started waiting. */
  reached(applied: Position): void {
    const ready = this.positionWaiters.filter((waiter) => waiter.position <= applied);
    if (ready.length === 0) return;
    this.positionWaiters = this.positionWaiters.filter((waiter) => waiter.position > applied);
    for (const waiter of ready) waiter.callback();
  }

  readIndexAnswered(readId: number, ok: boolean, position: Position, reason: string): void {
    const waiter = this.readIndexWaiters.get(readId);
    if (waiter === undefined) return;
    this.readIndexWaiters.delete(readId);
    waiter(ok, position, reason);
  }
}
