/**
 * What `faultline test` shows while a run goes, on stderr. On a terminal: one
 * line rewritten in place. Elsewhere (a CI log): a plain line at each phase of
 * a real run and one every 10 s of the run's clock with the ops so far and the
 * faults on, so a 60-second run is never silent; nothing with --json. The
 * simulator's run takes seconds and stays quiet off a terminal, as before.
 */
import type { PhaseNotice } from '../../run/phases.js';

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** "coordinator-raft seed 7 on local". */
  label: string;
  simulated: boolean;
  json: boolean;
  stream: ProgressStream;
  /** Run-clock milliseconds between plain status lines. */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 10_000;

function describeFaults(faults: readonly string[]): string {
  return faults.length === 0 ? 'no faults' : `faults: ${faults.join(', ')}`;
}

export class ProgressReporter {
  private readonly terminal: boolean;
  private readonly plain: boolean;
  private readonly intervalMs: number;
  /** Run-clock time of the last plain status line. */
  private lastStatusMs = 0;

  constructor(private readonly options: ProgressOptions) {
    this.terminal = options.stream.isTTY === true;
    this.plain = !this.terminal && !options.json && !options.simulated;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  /** Between slices of the run: the ops so far (two events each) and the faults on. */
  tick(nowMs: number, events: number, faults: readonly string[]): void {
    const status = `${Math.floor(events / 2)} ops, ${describeFaults(faults)}`;
    if (this.terminal) {
      const clock = `${(nowMs / 1000).toFixed(0)} s${this.options.simulated ? ' simulated' : ''}`;
      this.options.stream.write(`\r\x1b[K${this.options.label}: ${clock}, ${status}`);
    } else if (this.plain && nowMs - this.lastStatusMs >= this.intervalMs) {
      this.lastStatusMs = nowMs - (nowMs % this.intervalMs);
      this.line(nowMs, status);
    }
  }

  phase(notice: PhaseNotice): void {
    const words = `${notice.phase}${notice.detail === undefined ? '' : ` (${notice.detail})`}`;
    if (this.terminal && !this.options.simulated) this.options.stream.write(`\r\x1b[K${this.options.label}: ${words}`);
    else if (this.plain) this.line(notice.atMs, words);
  }

  /** Before the results: a terminal's line is erased. */
  clear(): void {
    if (this.terminal) this.options.stream.write('\r\x1b[K');
  }

  private line(atMs: number | undefined, words: string): void {
    const clock = atMs === undefined ? '' : `${(atMs / 1000).toFixed(0)} s: `;
    this.options.stream.write(`faultline: ${this.options.label}: ${clock}${words}\n`);
  }
}
