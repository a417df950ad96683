/**
 * A fake consensus engine for unit tests of the service: one shared log with
 * one appointed leader that commits at once, replicas a test can hold back,
 * read barriers it can make fail, a lease it can take away. Nothing here is
 * used outside tests (fake-cluster.ts places it on the simulator).
 */
import type { ConsensusEngine, EngineOptions, EngineStatus, LogEntry, ReadBarrierResult, Snapshot } from '../engine.js';
import type { Address, Message } from '../world.js';
import type { Scheduler } from '../../../harness/runtimes/index.js';

/** One log, one appointed leader, commits delivered to every replica after a short delay. */
export class FakeConsensus {
  readonly log: LogEntry[] = [];
  leader: Address | null;
  leaseValid = true;
  barrierFails = false;
  commitDelayMs = 1;
  readonly engines = new Map<Address, FakeEngine>();
  /** Replicas that receive no commits until released. */
  readonly held = new Set<Address>();

  constructor(
    readonly time: Pick<Scheduler, 'after'>,
    leader: Address | null,
  ) {
    this.leader = leader;
  }

  append(command: LogEntry['command']): number {
    const entry: LogEntry = { position: this.log.length + 1, epoch: 1, command: structuredClone(command) };
    this.log.push(entry);
    for (const engine of this.engines.values()) this.time.after(this.commitDelayMs, 'fake commit', () => engine.deliver());
    return entry.position;
  }

  hold(address: Address): void {
    this.held.add(address);
  }

  release(address: Address): void {
    this.held.delete(address);
    this.time.after(this.commitDelayMs, 'fake commit', () => this.engines.get(address)?.deliver());
  }
}

export class FakeEngine implements ConsensusEngine {
  applied = 0;
  private stopped = false;

  constructor(
    private readonly consensus: FakeConsensus,
    private readonly options: EngineOptions,
  ) {}

  start(): void {
    this.consensus.engines.set(this.options.world.self, this);
    this.deliver();
  }

  stop(): void {
    this.stopped = true;
    this.consensus.engines.delete(this.options.world.self);
  }

  receive(_from: Address, _message: Message): void {}

  propose(command: LogEntry['command']): number | null {
    return this.isLeader() ? this.consensus.append(command) : null;
  }

  readBarrier(callback: (result: ReadBarrierResult) => void): void {
    if (!this.isLeader()) return callback({ ok: false, reason: 'not-leader' });
    this.consensus.time.after(1, 'fake read barrier', () =>
      callback(this.consensus.barrierFails ? { ok: false, reason: 'no-quorum' } : { ok: true, position: this.consensus.log.length }),
    );
  }

  leaseValid(): boolean {
    return this.isLeader() && this.consensus.leaseValid;
  }

  status(): EngineStatus {
    const self = this.options.world.self;
    return {
      self,
      role: this.stopped ? 'stopped' : this.isLeader() ? 'leader' : 'follower',
      epoch: 1,
      leader: this.consensus.leader,
      commitPosition: this.isLeader() ? this.consensus.log.length : this.applied,
      lastPosition: this.applied,
    };
  }

  committedEntries(fromPosition: number): LogEntry[] {
    return this.consensus.log.slice(0, this.applied).filter((entry) => entry.position >= fromPosition);
  }

  /** Replaces the replica's state as an engine's snapshot sync would. */
  installSnapshot(snapshot: Snapshot): void {
    this.options.installSnapshot(snapshot);
    this.applied = snapshot.position;
  }

  deliver(): void {
    const self = this.options.world.self;
    while (!this.stopped && !this.consensus.held.has(self) && this.applied < this.consensus.log.length) {
      this.options.onCommit(this.consensus.log[this.applied++] as LogEntry);
    }
  }

  private isLeader(): boolean {
    return !this.stopped && this.consensus.leader === this.options.world.self;
  }
}
