/**
 * ZAB's wire messages: plain JSON, every type prefixed "zab.". After election,
 * every message between a leader and one follower carries the follower's
 * connection number, standing in for ZooKeeper's TCP connection: a message of
 * an older connection is ignored, as a closed socket would drop it. What the
 * leader sends on a connection is also numbered (Sequenced, channel.ts), so
 * the follower takes it in order, as over TCP; only pings are not (see Ping).
 */
import type { Command, Snapshot } from '../../engine.js';
import type { Address } from '../../world.js';
import type { Sequenced } from './channel.js';
import type { EpochMark, ZabEntry } from './history.js';

export type PeerState = 'looking' | 'following' | 'leading' | 'observing';

export interface Vote {
  leader: Address;
  zxid: number;
  /** The proposed leader's currentEpoch. */
  epoch: number;
}

export interface Notification {
  type: 'zab.notification';
  vote: Vote;
  round: number;
  state: PeerState;
}

interface Connected {
  connection: number;
}

/** Sent by the leader on a follower connection, in order. */
interface FromLeader extends Connected, Sequenced {}

export interface FollowerInfo extends Connected {
  type: 'zab.follower-info';
  acceptedEpoch: number;
  observer: boolean;
}

export interface NewEpoch extends FromLeader {
  type: 'zab.new-epoch';
  epoch: number;
}

export interface AckEpoch extends Connected {
  type: 'zab.ack-epoch';
  epoch: number;
  /**
   * Whether this acknowledgement is the peer's promise to this leader: it
   * took `epoch` as its acceptedEpoch on this connection. False when it had
   * accepted the epoch before (ZooKeeper's -1), perhaps from another leader
   * offering the same number: such an ack lets the peer sync but does not
   * count toward the leader's quorum.
   */
  promised: boolean;
  currentEpoch: number;
  lastZxid: number;
  summary: EpochMark[];
}

export type SyncMode = 'diff' | 'trunc' | 'snap';

export interface SyncHistory extends FromLeader {
  type: 'zab.sync';
  epoch: number;
  mode: SyncMode;
  /** trunc: drop everything after this zxid first. */
  truncateZxid: number;
  /** snap: replace the whole state with this. */
  snapshot: Snapshot | null;
  snapshotSummary: EpochMark[];
  entries: ZabEntry[];
  commitZxid: number;
}

export interface AckNewLeader extends Connected {
  type: 'zab.ack-new-leader';
  epoch: number;
  lastZxid: number;
}

export interface UpToDate extends FromLeader {
  type: 'zab.uptodate';
  epoch: number;
  commitZxid: number;
}

/** A PROPOSAL to a follower or an INFORM (an already committed proposal) to an observer. */
export interface Proposal extends FromLeader {
  type: 'zab.proposal' | 'zab.inform';
  epoch: number;
  zxid: number;
  previousZxid: number;
  command: Command;
  commitZxid: number;
}

export interface Ack extends Connected {
  type: 'zab.ack';
  epoch: number;
  zxid: number;
}

export interface Commit extends FromLeader {
  type: 'zab.commit';
  epoch: number;
  zxid: number;
}

/**
 * A heartbeat and leadership round. Pings and their replies go at once, not
 * numbered and not behind the disk (transport.sendAtOnce), as ZooKeeper's
 * pings do: they announce nothing a sync made durable, and a read barrier
 * waits only for them.
 */
export interface Ping extends Connected {
  type: 'zab.ping';
  epoch: number;
  round: number;
  /** Committed on a quorum's disks; a follower commits no further than it logged. */
  commitZxid: number;
}

export interface PingReply extends Connected {
  type: 'zab.ping-reply';
  epoch: number;
  round: number;
  /** What the peer has logged, perhaps not yet durably: it steers what an observer is sent, never a commit. */
  lastZxid: number;
}

/** The leader can no longer catch this connection up incrementally: start a new one. */
export interface Reconnect extends Connected {
  type: 'zab.reconnect';
  epoch: number;
}

/** A follower asks the leader to send again what it is missing on this connection. */
export interface ResendRequest extends Connected {
  type: 'zab.resend';
  fromSeq: number;
  throughSeq: number;
}

/** What the leader sends, numbered and in order, on a follower connection. */
export type LeaderStreamMessage = NewEpoch | SyncHistory | UpToDate | Proposal | Commit;

export type ZabMessage =
  | Notification
  | FollowerInfo
  | NewEpoch
  | AckEpoch
  | SyncHistory
  | AckNewLeader
  | UpToDate
  | Proposal
  | Ack
  | Commit
  | Ping
  | PingReply
  | Reconnect
  | ResendRequest;
