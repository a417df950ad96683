/**
 * A toy primary-backup protocol with the message load of a small consensus
 * cluster: a fixed leader (the first member) heartbeats every 50 ms, appends
 * each client write to its log, fsyncs, replicates it to the followers, and
 * answers the client once a majority has it. Followers fsync too and keep an
 * election timer they reset on every heartbeat, as a real engine would. It
 * stands in for the coordinator in the simulator's benchmark and tests, and
 * implements the invariants' EngineView so those run against it.
 */
import type { EngineStatus, LogEntry, Position } from '../../../../clusters/coordinator/engine.js';
import type { Address, Message, TimerHandle, World } from '../../../../clusters/coordinator/world.js';
import type { NodeEndpoint } from '../host.js';
import type { EngineView } from '../../../../clusters/coordinator/sim/invariants.js';

const HEARTBEAT_INTERVAL_MS = 50;
const ELECTION_TIMEOUT_MS = 300;
const EPOCH = 1;

export type ToyNode = NodeEndpoint & EngineView;

function logKey(position: Position): string {
  return `log/${String(position).padStart(10, '0')}`;
}

export function toyReplicaNode(members: readonly Address[]): (world: World) => ToyNode {
  return (world) => new ToyReplica(world, members);
}

class ToyReplica implements ToyNode {
  private readonly leader: Address;
  private readonly followers: Address[];
  private readonly isLeader: boolean;
  private readonly quorum: number;
  private readonly log: LogEntry[];
  private commitPosition: Position = 0;
  private readonly acks = new Map<Position, number>();
  private readonly waiting = new Map<Position, { client: Address; id: unknown }>();
  private electionTimer: TimerHandle = 0;

  constructor(
    private readonly world: World,
    members: readonly Address[],
  ) {
    this.leader = members[0] as Address;
    this.followers = members.filter((member) => member !== this.leader);
    this.isLeader = world.self === this.leader;
    this.quorum = Math.floor(members.length / 2) + 1;
    this.log = world.storage.keys('log/').map((key) => world.storage.get(key) as LogEntry);
    if (this.isLeader) this.heartbeat();
    else this.resetElectionTimer();
  }

  receive(from: Address, message: Message): void {
    if (this.isLeader) this.onLeaderMessage(from, message);
    else this.onFollowerMessage(from, message);
  }

  stop(): void {
    this.world.clock.clearTimer(this.electionTimer);
  }

  status(): EngineStatus {
    const role = this.isLeader ? 'leader' : 'follower';
    return { self: this.world.self, role, epoch: EPOCH, leader: this.leader, commitPosition: this.commitPosition, lastPosition: this.log.length };
  }

  committedEntries(fromPosition: Position): LogEntry[] {
    return this.log.slice(Math.max(0, fromPosition - 1), this.commitPosition);
  }

  private onLeaderMessage(from: Address, message: Message): void {
    if (message.type === 'toy.request') {
      const command = { kind: 'put', key: message['key'], value: message['value'] };
      const entry: LogEntry = { position: this.log.length + 1, epoch: EPOCH, command };
      this.append(entry);
      this.waiting.set(entry.position, { client: from, id: message['id'] });
      for (const follower of this.followers) this.world.transport.send(follower, { type: 'toy.append', entry, commit: this.commitPosition });
    } else if (message.type === 'toy.appended') {
      const position = message['position'] as Position;
      const count = (this.acks.get(position) ?? 1) + 1;
      this.acks.set(position, count);
      if (count < this.quorum) return;
      this.acks.delete(position);
      this.advanceCommit(position);
    }
  }

  private onFollowerMessage(from: Address, message: Message): void {
    if (message.type === 'toy.append') {
      const entry = message['entry'] as LogEntry;
      if (entry.position === this.log.length + 1) this.append(entry);
      this.world.transport.send(from, { type: 'toy.appended', position: entry.position });
    } else if (message.type === 'toy.heartbeat') {
      this.resetElectionTimer();
      this.world.transport.send(from, { type: 'toy.heartbeat-ack', epoch: EPOCH });
    }
    this.advanceCommit(message['commit'] as Position);
  }

  private append(entry: LogEntry): void {
    this.log.push(entry);
    this.world.storage.set(logKey(entry.position), entry);
    this.world.storage.sync();
  }

  private advanceCommit(position: Position): void {
    const last = Math.min(position, this.log.length);
    while (this.commitPosition < last) {
      const next = ++this.commitPosition;
      const client = this.waiting.get(next);
      if (client === undefined) continue;
      this.waiting.delete(next);
      this.world.transport.send(client.client, { type: 'toy.reply', id: client.id, ok: true, position: next });
    }
  }

  private heartbeat(): void {
    for (const follower of this.followers) this.world.transport.send(follower, { type: 'toy.heartbeat', epoch: EPOCH, commit: this.commitPosition });
    this.world.clock.setTimer(HEARTBEAT_INTERVAL_MS, () => this.heartbeat());
  }

  private resetElectionTimer(): void {
    this.world.clock.clearTimer(this.electionTimer);
    this.electionTimer = this.world.clock.setTimer(ELECTION_TIMEOUT_MS, () => this.world.log('no heartbeat from the leader'));
  }
}

export interface ToyClientOptions {
  leader: Address;
  opsPerSecond: number;
  timeoutMs: number;
  /** Called with each invoke and completion, as the history recorder would be. */
  record(event: string): void;
}

/** A client that writes at a steady rate (with jitter) and times out unanswered writes. */
export function toyClient(options: ToyClientOptions): (world: World) => NodeEndpoint {
  return (world) => {
    const intervalMs = 1000 / options.opsPerSecond;
    const pending = new Map<number, TimerHandle>();
    let nextId = 0;
    const invoke = (): void => {
      const id = nextId++;
      const value = world.random.integer(0, 1000);
      options.record(`invoke ${world.self} ${id} ${value}`);
      world.transport.send(options.leader, { type: 'toy.request', id, key: 'k', value });
      pending.set(id, world.clock.setTimer(options.timeoutMs, () => {
        pending.delete(id);
        options.record(`info ${world.self} ${id}`);
      }));
      world.clock.setTimer(intervalMs * (0.5 + world.random.next()), invoke);
    };
    world.clock.setTimer(intervalMs * world.random.next(), invoke);
    return {
      receive(_from: Address, message: Message): void {
        const id = message['id'] as number;
        const timer = pending.get(id);
        if (timer === undefined) return;
        world.clock.clearTimer(timer);
        pending.delete(id);
        options.record(`ok ${world.self} ${id}`);
      },
    };
  };
}
