/**
 * Group commit. The core calls storage.sync() before it sends anything that
 * depends on the write (a vote, an acknowledgement, a reply), and expects
 * sync() to be durable at once. Here sync() only seals; every message sent
 * after a sync waits in this outbox until one fdatasync has covered it, at
 * the end of the current turn of the event loop. All the syncs of one turn
 * (every frame that arrived together) then cost one fdatasync, and nothing
 * leaves the process before the state it announces is on disk.
 */
import type { Address, Message } from '../world.js';

export interface Flushable {
  readonly flushNeeded: boolean;
  flush(): void;
}

/** Messages held at most; beyond it they are dropped, as a congested network would. */
const MAX_HELD_MESSAGES = 100_000;

export class DurableOutbox {
  private held: Array<{ to: Address; message: Message }> = [];
  private scheduled = false;
  private stopped = false;
  droppedMessages = 0;

  constructor(
    private readonly storage: Flushable,
    private readonly deliver: (to: Address, message: Message) => void,
  ) {}

  send(to: Address, message: Message): void {
    if (this.stopped) return;
    if (!this.storage.flushNeeded && this.held.length === 0) return this.deliver(to, message);
    if (this.held.length >= MAX_HELD_MESSAGES) {
      this.droppedMessages += 1;
      return;
    }
    this.held.push({ to, message });
    this.schedule();
  }

  /** Called after sync(): makes sure the flush happens even when nothing is sent. */
  synced(): void {
    this.schedule();
  }

  /** Flushes now and lets out what was held (also used at shutdown). */
  flushNow(): void {
    this.scheduled = false;
    this.storage.flush();
    const held = this.held;
    this.held = [];
    if (this.stopped) return;
    for (const { to, message } of held) this.deliver(to, message);
  }

  stop(): void {
    this.stopped = true;
    this.held = [];
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      if (this.scheduled) this.flushNow();
    });
  }
}
