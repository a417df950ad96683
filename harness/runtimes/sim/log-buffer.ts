/**
 * A host's log: the last lines it wrote, with the true virtual time of each.
 * Bounded, because a chatty node over a long run would otherwise hold every
 * line in memory; formatting waits until someone reads the log.
 */
import assert from 'node:assert/strict';

export class LogBuffer {
  private readonly lines: string[] = [];
  private readonly timesUs: number[] = [];
  private next = 0;
  private written = 0;

  constructor(private readonly capacity: number) {
    assert.ok(Number.isSafeInteger(capacity) && capacity >= 1, `log capacity must be at least 1, got ${capacity}`);
  }

  append(timeUs: number, line: string): void {
    this.lines[this.next] = line;
    this.timesUs[this.next] = timeUs;
    this.next = (this.next + 1) % this.capacity;
    this.written++;
  }

  /** Lines written in all, including those the buffer has since dropped. */
  get totalLines(): number {
    return this.written;
  }

  /** Oldest first, each prefixed with its true virtual time in ms. */
  format(): string[] {
    const formatted: string[] = [];
    const count = this.lines.length;
    const start = count < this.capacity ? 0 : this.next;
    for (let offset = 0; offset < count; offset++) {
      const index = (start + offset) % count;
      formatted.push(`${((this.timesUs[index] as number) / 1000).toFixed(3)}ms ${this.lines[index] as string}`);
    }
    return formatted;
  }
}
