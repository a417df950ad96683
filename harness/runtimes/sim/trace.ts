/**
 * The run's trace, kept as a running 64-bit hash (two independently mixed
 * 32-bit lanes) rather than a list: a long run produces millions of events and
 * replay only needs to know whether two runs did exactly the same thing. An
 * optional ring buffer keeps the last few events as text for debugging.
 */
import assert from 'node:assert/strict';
import { finalize, mixWord } from '../../../common/plain-data.js';

const TWO_TO_THE_32 = 0x100000000;

export class TraceRecorder {
  private laneLow = 0x243f6a88;
  private laneHigh = 0x85a308d3;
  private recorded = 0;
  private readonly buffer: string[];
  private bufferNext = 0;

  constructor(private readonly bufferSize: number) {
    assert.ok(Number.isSafeInteger(bufferSize) && bufferSize >= 0, `trace buffer size must be a whole number, got ${bufferSize}`);
    this.buffer = [];
  }

  /** True when text lines are kept; callers build a line only then. */
  get buffering(): boolean {
    return this.bufferSize > 0;
  }

  get eventCount(): number {
    return this.recorded;
  }

  /** One event: what happened, when (µs of true time), and three words that identify it. */
  record(code: number, timeUs: number, first: number, second: number, third: number): void {
    this.recorded++;
    this.mix(code);
    this.mix(timeUs >>> 0);
    this.mix(Math.floor(timeUs / TWO_TO_THE_32));
    this.mix(first);
    this.mix(second);
    this.mix(third);
  }

  /** Mixes text into the hash, for events named by strings (faults, client events). */
  recordText(text: string): void {
    this.mix(text.length);
    for (let index = 0; index < text.length; index++) this.mix(text.charCodeAt(index));
  }

  addLine(line: string): void {
    if (this.bufferSize === 0) return;
    this.buffer[this.bufferNext] = line;
    this.bufferNext = (this.bufferNext + 1) % this.bufferSize;
  }

  /** The buffered lines, oldest first. */
  lines(): string[] {
    if (this.buffer.length < this.bufferSize) return this.buffer.slice();
    return [...this.buffer.slice(this.bufferNext), ...this.buffer.slice(0, this.bufferNext)];
  }

  /** 16 hex digits; the running state is left as it is, so the trace can continue. */
  hash(): string {
    const low = finalize(this.laneLow ^ this.recorded);
    const high = finalize(this.laneHigh ^ Math.imul(this.recorded, 0x9e3779b1));
    return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
  }

  private mix(word: number): void {
    this.laneLow = mixWord(this.laneLow, word);
    // The second lane also folds in the first, so the lanes never move in step.
    this.laneHigh = mixWord(this.laneHigh ^ this.laneLow, Math.imul(word, 0x27d4eb2f) ^ 0x165667b1);
  }
}
