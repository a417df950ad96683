/**
 * A follower answers a client's keepalive only once the leader has heard of
 * its session. ZooKeeper's followers answer pings at once, and so did this
 * service: a follower cut off from the leader then kept its clients content
 * for as long as it took to notice (an election timeout, up to 600 ms here),
 * while the leader, hearing nothing of their sessions, expired them and
 * granted their locks to others. The client's read timeout (2/3 of the
 * session timeout) leaves a margin of 1/3 for its holder to be told "in
 * doubt" before its session can expire, and that delay ate it: with 1-2 s
 * sessions the correct coordinator showed two lock holders in 11 of 200
 * swarm runs on Raft. A pong sent after the leader acknowledged the touch
 * that carried the ping means the leader heard the session no earlier than
 * the client hears the pong, so the client's 2/3 always ends first.
 */
import type { Address } from '../world.js';
import type { Connection } from './pending.js';

/** Touches in flight at most; older ones count as lost (their pings get no pong, and their clients go elsewhere). */
export const MAX_UNACKNOWLEDGED_TOUCHES = 32;

interface SentTouch {
  leader: Address;
  connections: Connection[];
}

export class LeaderConfirmedPongs {
  /** Connections that pinged since the last touch went out. */
  private waiting: Connection[] = [];
  private readonly sent = new Map<number, SentTouch>();
  private nextTouchId = 1;

  constructor(private readonly pong: (connection: Connection) => void) {}

  /** A ping to be answered when the leader acknowledges the next touch. */
  ping(connection: Connection): void {
    if (!this.waiting.includes(connection)) this.waiting.push(connection);
  }

  /** The id of the touch going to `leader` now, which carries the pings waiting so far. */
  forwarded(leader: Address): number {
    const touchId = this.nextTouchId++;
    this.sent.set(touchId, { leader, connections: this.waiting });
    this.waiting = [];
    for (const oldest of this.sent.keys()) {
      if (this.sent.size <= MAX_UNACKNOWLEDGED_TOUCHES) break;
      this.sent.delete(oldest);
    }
    return touchId;
  }

  /** The leader heard the touch: its pings are answered, and older touches will not be acknowledged any more. */
  acknowledged(from: Address, touchId: number): void {
    const touch = this.sent.get(touchId);
    if (touch === undefined || touch.leader !== from) return;
    for (const id of [...this.sent.keys()]) if (id <= touchId) this.sent.delete(id);
    for (const connection of touch.connections) if (!connection.closed) this.pong(connection);
  }

  /** This server now leads: it hears its own sessions, so the pings waiting are answered now. */
  answerWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const connection of waiting) if (!connection.closed) this.pong(connection);
  }

  /** No leader to hear them: these pings get no pong, and their clients' read timeouts move them on. */
  dropWaiting(): void {
    this.waiting = [];
  }
}
