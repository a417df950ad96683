/**
 * Session liveness. Only the leader decides that a session expired, on its
 * own clock (so a skewed leader clock expires sessions early or late, as in
 * ZooKeeper); followers pass on which of their clients they heard from.
 */
import { type Clock, monotonicNowMs } from '../world.js';
import type { SessionInfo } from './types.js';

export interface SessionTrackerOptions {
  clock: Clock;
  isLeader(): boolean;
  liveSessions(): SessionInfo[];
  /** Proposes an expire-session command; false when this node cannot propose. */
  proposeExpiry(sessionId: number): boolean;
  /** Follower: sends the ids of sessions heard from to the leader. */
  forwardTouches(sessionIds: number[]): void;
}

export class SessionTracker {
  /** Leader only: when each live session was last heard from, on the leader's clock. */
  private readonly lastHeardMs = new Map<number, number>();
  private readonly expiring = new Set<number>();
  /** Sessions heard from since the last tick. */
  private touched = new Set<number>();
  private wasLeader = false;

  constructor(private readonly options: SessionTrackerOptions) {}

  /**
   * Session ages are measured on the monotonic clock, as ZooKeeper's leader
   * does with nanoTime: a jump of the wall clock must not expire every
   * session at once (a drifting clock still ages them faster or slower).
   */
  private elapsedMs(): number {
    return monotonicNowMs(this.options.clock);
  }

  touch(sessionId: number): void {
    this.touched.add(sessionId);
  }

  /** Leader: a follower heard from these sessions. */
  touchedElsewhere(sessionIds: readonly number[]): void {
    if (!this.options.isLeader()) return;
    const now = this.elapsedMs();
    for (const sessionId of sessionIds) if (Number.isInteger(sessionId)) this.lastHeardMs.set(sessionId, now);
  }

  /**
   * Leader: a client reconnects with this session. True, and the session is
   * heard from now, unless its expiry is already under way: ZooKeeper's
   * leader answers a follower's revalidation the same way (touchSession is
   * false for a closing session), so a client never reconnects to a session
   * that is about to end unannounced to it.
   */
  revalidate(sessionId: number): boolean {
    if (!this.options.isLeader() || this.expiring.has(sessionId)) return false;
    this.lastHeardMs.set(sessionId, this.elapsedMs());
    return true;
  }

  sessionEnded(sessionId: number): void {
    this.lastHeardMs.delete(sessionId);
    this.expiring.delete(sessionId);
    this.touched.delete(sessionId);
  }

  /** Runs every session tick. */
  tick(): void {
    if (!this.options.isLeader()) {
      this.forgetLeadership();
      if (this.touched.size > 0) this.options.forwardTouches([...this.touched].sort((a, b) => a - b));
      this.touched = new Set();
      return;
    }
    if (!this.wasLeader) {
      // A new leader cannot know when sessions were last heard from: every session starts afresh.
      this.lastHeardMs.clear();
      this.expiring.clear();
      this.wasLeader = true;
    }
    const now = this.elapsedMs();
    for (const sessionId of this.touched) this.lastHeardMs.set(sessionId, now);
    this.touched = new Set();
    const live = new Set<number>();
    for (const session of this.options.liveSessions()) {
      live.add(session.sessionId);
      const last = this.lastHeardMs.get(session.sessionId);
      if (last === undefined) this.lastHeardMs.set(session.sessionId, now);
      else if (now - last > session.timeoutMs && !this.expiring.has(session.sessionId)) {
        if (this.options.proposeExpiry(session.sessionId)) this.expiring.add(session.sessionId);
      }
    }
    for (const sessionId of this.lastHeardMs.keys()) if (!live.has(sessionId)) this.lastHeardMs.delete(sessionId);
  }

  private forgetLeadership(): void {
    if (!this.wasLeader) return;
    this.wasLeader = false;
    this.lastHeardMs.clear();
    this.expiring.clear();
  }
}
