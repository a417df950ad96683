/**
 * The wire protocol between clients and servers, and between the servers'
 * service layers. The transport may lose, duplicate and reorder messages, so
 * each client connection numbers its messages in both directions and the
 * receiver delivers them in order, once: a connection behaves like TCP (in
 * order, or stalled until someone gives up), which is what ZooKeeper's
 * ordering guarantees rest on.
 */
import type { Address, Message } from '../world.js';
import type { Position } from '../engine.js';
import type {
  ErrorCode,
  MultiStepResult,
  ReadMode,
  ReadOperation,
  WatchTrigger,
  WriteOperation,
  Zxid,
} from './types.js';

export type ClientRequest =
  | { type: 'write'; operation: WriteOperation }
  | { type: 'read'; operation: ReadOperation; mode: ReadMode; watch: boolean }
  /** ZooKeeper's sync: the answering server has caught up with the leader's commits. */
  | { type: 'sync' }
  | { type: 'close-session' };

/** Why the service refused a request without executing it. */
export type ServiceReason =
  | 'not-leader'
  | 'no-leader'
  | 'lease-expired'
  | 'barrier-failed'
  | 'bad-request'
  | 'session-expired';

export type ServerResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      reason: ErrorCode | ServiceReason;
      /** The leader this server believes in, when it answers not-leader. */
      leaderHint?: Address | null;
      results?: MultiStepResult[];
    };

/** Client to server. `seq` numbers a connection's messages from 0 (the connect). */
export interface ConnectMessage extends Message {
  type: 'client.connect';
  connectionId: number;
  seq: 0;
  /** Null to open a new session; an id to move an existing session here. */
  sessionId: number | null;
  sessionTimeoutMs: number;
  /** The highest zxid the client has seen: a server behind it must catch up first. */
  lastZxidSeen: Zxid;
}
export interface RequestMessage extends Message {
  type: 'client.request';
  connectionId: number;
  seq: number;
  requestId: number;
  /** How long the client waits; the server gives up on the request after as long. */
  timeoutMs: number;
  request: ClientRequest;
}
export interface PingMessage extends Message {
  type: 'client.ping';
  connectionId: number;
  seq: number;
}
export type ClientMessage = ConnectMessage | RequestMessage | PingMessage;

/** Server to client, numbered per connection from 0 as well. */
export type ServerMessage =
  | { type: 'server.connected'; connectionId: number; seq: number; sessionId: number; timeoutMs: number; zxid: Zxid }
  | { type: 'server.reply'; connectionId: number; seq: number; requestId: number; result: ServerResult; zxid: Zxid }
  | { type: 'server.watch'; connectionId: number; seq: number; event: WatchTrigger }
  | { type: 'server.pong'; connectionId: number; seq: number; zxid: Zxid }
  /** The session is gone; the server has closed the connection. */
  | { type: 'server.session-expired'; connectionId: number; seq: number };

/** Unnumbered: the server knows no such connection (it restarted), like a TCP reset. */
export type ResetMessage = { type: 'server.reset'; connectionId: number };

/** Between the service layers of servers. */
export type PeerMessage =
  /** A follower hands a client's command to the leader, which proposes it. */
  | { type: 'service.forward'; command: Record<string, unknown> & { kind: string } }
  /** A follower asks the leader for a read index (a position confirmed by a quorum). */
  | { type: 'service.read-index'; readId: number }
  | { type: 'service.read-index-reply'; readId: number; ok: boolean; position: Position; reason: string }
  /** A follower tells the leader which sessions it heard from; the leader acknowledges each touch (pongs.ts). */
  | { type: 'service.touch'; sessionIds: number[]; touchId: number }
  | { type: 'service.touch-ack'; touchId: number }
  /** A follower asks the leader whether a reconnecting client's session lives on (answered with a read-index-reply, position 0). */
  | { type: 'service.revalidate'; readId: number; sessionId: number };

export function isClientMessage(message: Message): message is ClientMessage {
  return message.type.startsWith('client.');
}

export function isPeerMessage(message: Message): boolean {
  return message.type.startsWith('service.');
}

export function isServerMessage(message: Message): boolean {
  return message.type.startsWith('server.');
}

/**
 * Delivers numbered messages in order, each once: duplicates are dropped and
 * early arrivals wait for the gap to fill. A gap that never fills stalls the
 * connection, as a lost TCP segment would without retransmission; the peers'
 * timeouts then end it.
 */
export class OrderedInbox<T> {
  private expected = 0;
  private readonly waiting = new Map<number, T>();

  constructor(
    firstSeq = 0,
    private readonly maxWaiting = 1024,
  ) {
    this.expected = firstSeq;
  }

  /** Messages now deliverable, in order; false when too many wait (the connection is broken). */
  accept(seq: number, message: T): T[] | false {
    if (!Number.isInteger(seq) || seq < this.expected || this.waiting.has(seq)) return [];
    this.waiting.set(seq, message);
    if (this.waiting.size > this.maxWaiting) return false;
    const ready: T[] = [];
    for (let next = this.waiting.get(this.expected); next !== undefined; next = this.waiting.get(this.expected)) {
      this.waiting.delete(this.expected);
      this.expected += 1;
      ready.push(next);
    }
    return ready;
  }

  get nextSeq(): number {
    return this.expected;
  }
}
