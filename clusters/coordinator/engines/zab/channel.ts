/**
 * FIFO delivery from a leader to one follower connection. ZAB assumes FIFO
 * channels (ZooKeeper runs it over TCP): a follower must see a leader's
 * proposals in the order they were sent. The transport may reorder and lose
 * messages, so the leader numbers everything it sends on a connection and
 * keeps the most recent messages; the follower delivers them in number order,
 * holds back what arrives early, and after a short wait asks for what is
 * missing. A gap the leader can no longer fill (its buffer moved on, as after
 * a long partition) ends the connection and the follower connects anew, as
 * ZooKeeper's follower does when its TCP connection breaks.
 *
 * The other direction needs no ordering: a follower's acknowledgements only
 * ever raise what the leader knows (acked zxid, echoed round).
 *
 * Every stream has a random id, so a follower never mixes the numbering of a
 * leader incarnation that re-created the link with an older one's.
 */
import assert from 'node:assert/strict';
import type { Message } from '../../world.js';

/** How many sent messages a leader keeps per connection for resends. */
export const RESEND_BUFFER_MESSAGES = 256;
/** Most messages a follower holds back while it waits for a gap to fill. */
export const HOLD_BACK_LIMIT = 1024;

/** The fields the leader adds to every message on a follower connection. */
export interface Sequenced {
  /** Identifies the leader's numbering on this connection. */
  stream: number;
  /** 1, 2, 3, ... in the order the leader sent them. */
  seq: number;
}

/** The leader's end: numbers messages and remembers the recent ones. */
export class OutgoingStream {
  private nextSeq = 1;
  /** sent[seq % capacity] holds message seq, for the last `capacity` seqs. */
  private readonly sent: (Message | undefined)[] = new Array<Message | undefined>(RESEND_BUFFER_MESSAGES);

  constructor(readonly stream: number) {
    assert.ok(Number.isInteger(stream) && stream > 0, 'a stream id is a positive integer');
  }

  /** The next sequence number; the caller builds the message with it and passes it to record(). */
  take(): number {
    return this.nextSeq++;
  }

  record(message: Message & Sequenced): void {
    assert.ok(message.stream === this.stream && message.seq === this.nextSeq - 1, 'a message is recorded right after it took its seq');
    this.sent[message.seq % RESEND_BUFFER_MESSAGES] = message;
  }

  /** Messages fromSeq..throughSeq in order; null when some are no longer kept (or were never sent). */
  range(fromSeq: number, throughSeq: number): Message[] | null {
    if (!(Number.isInteger(fromSeq) && Number.isInteger(throughSeq)) || fromSeq < 1 || throughSeq < fromSeq) return null;
    if (throughSeq >= this.nextSeq || fromSeq < this.nextSeq - RESEND_BUFFER_MESSAGES) return null;
    const messages: Message[] = [];
    for (let seq = fromSeq; seq <= throughSeq; seq++) {
      const message = this.sent[seq % RESEND_BUFFER_MESSAGES] as (Message & Sequenced) | undefined;
      assert.ok(message !== undefined && message.seq === seq, 'the resend buffer holds every recent seq');
      messages.push(message);
    }
    return messages;
  }
}

/** What a follower's end makes of one arriving message. */
export type Arrival = 'deliver' | 'held' | 'duplicate' | 'other-stream' | 'overflow';

/** The follower's end: delivers in order, holds back the rest. */
export class IncomingStream {
  /** The stream this connection follows; 0 until the first sequenced message. */
  stream = 0;
  /** Highest seq delivered, all below it delivered too. */
  delivered = 0;
  private readonly held = new Map<number, Message>();
  private lowestHeld = Infinity;

  accept(message: Message & Sequenced): Arrival {
    if (this.stream === 0) this.stream = message.stream;
    else if (message.stream !== this.stream) return 'other-stream';
    const seq = message.seq;
    if (!Number.isInteger(seq) || seq <= this.delivered || this.held.has(seq)) return 'duplicate';
    if (seq === this.delivered + 1) {
      this.delivered = seq;
      return 'deliver';
    }
    if (this.held.size >= HOLD_BACK_LIMIT) return 'overflow';
    this.held.set(seq, message);
    if (seq < this.lowestHeld) this.lowestHeld = seq;
    return 'held';
  }

  /** The held message that comes next, now deliverable; undefined when the gap is still open. */
  takeNext(): Message | undefined {
    const next = this.held.get(this.delivered + 1);
    if (next === undefined) return undefined;
    this.held.delete(this.delivered + 1);
    this.delivered += 1;
    this.lowestHeld = this.held.size === 0 ? Infinity : this.lowestHeld === this.delivered ? this.findLowestHeld() : this.lowestHeld;
    return next;
  }

  /** The missing seqs before the first held message; null when nothing waits. */
  missing(): { fromSeq: number; throughSeq: number } | null {
    if (this.held.size === 0) return null;
    assert.ok(this.lowestHeld > this.delivered + 1, 'a held message waits for a gap');
    return { fromSeq: this.delivered + 1, throughSeq: this.lowestHeld - 1 };
  }

  private findLowestHeld(): number {
    let lowest = Infinity;
    for (const seq of this.held.keys()) if (seq < lowest) lowest = seq;
    return lowest;
  }
}
