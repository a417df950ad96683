/**
 * Clock faults on ZooKeeper through libfaketime (Debian's faketime),
 * preloaded into each node's JVM. Its offset lives in a file per node that
 * libfaketime reads at every clock call (FAKETIME_NO_CACHE), so it changes
 * while the JVM runs. Only the wall clock moves: with the monotonic clocks
 * faked too they jump, and with DONT_FAKE_MONOTONIC alone each JVM spins
 * (measured: about 65% CPU, elections of 24-65 s) unless
 * FAKETIME_FORCE_MONOTONIC_FIX=0 goes with it.
 *
 * Drift and strobes are followed by rewriting the offset (every 10-100 ms)
 * while they last: libfaketime's own speed factor jumps the clock when it
 * changes at run time, and it has no strobe.
 *
 * A skew is verified from inside the JVM: the Date header of the node's
 * admin server (Jetty) is the JVM's wall clock, to the second.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultlineError } from '../../common/errors.js';
import type { ClockSkew } from '../../harness/runtimes/index.js';
import type { ClockControl, RealNodeInfo } from '../../harness/runtimes/real/index.js';
import { ADMIN_PORT, zookeeperDirectory } from './config.js';
import { httpDate } from './admin-date.js';
import { NodeSkew } from '../real-support/skew.js';

export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
/** The Date header has whole seconds; a request takes a little more. */
const VERIFY_TOLERANCE_MS = 1_500;
const VERIFY_TIMEOUT_MS = 5_000;
const VERIFY_POLL_MS = 200;

export function faketimeFile(node: RealNodeInfo): string {
  return path.join(zookeeperDirectory(node), 'faketime.rc');
}

/** The environment that preloads libfaketime into the node's JVM, reading its offset from the node's file (written here: no offset). */
export function faketimeEnvironment(node: RealNodeInfo): Record<string, string> {
  writeOffset(node, 0);
  return {
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: faketimeFile(node),
    FAKETIME_NO_CACHE: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    FAKETIME_FORCE_MONOTONIC_FIX: '0',
    // libfaketime parses "+1.5" with the C library's locale: keep the decimal point a point.
    LC_NUMERIC: 'C',
  };
}

/** Written whole and renamed into place: libfaketime rereads the file at every clock call and must never see half of it. */
function writeOffset(node: RealNodeInfo, offsetMs: number): void {
  const sign = offsetMs < 0 ? '-' : '+';
  const file = faketimeFile(node);
  writeFileSync(`${file}.next`, `${sign}${(Math.abs(offsetMs) / 1000).toFixed(3)}\n`);
  renameSync(`${file}.next`, file);
}

export class ZooKeeperClockControl implements ClockControl {
  private readonly skews = new Map<string, NodeSkew>();
  private readonly tickers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly nodes: readonly RealNodeInfo[]) {}

  async skew(node: string, skew: ClockSkew): Promise<void> {
    const state = this.skews.get(node) ?? new NodeSkew();
    state.apply(skew, performance.now());
    this.skews.set(node, state);
    await this.follow(node, state);
  }

  async reset(node: string): Promise<void> {
    const state = new NodeSkew();
    this.skews.set(node, state);
    await this.follow(node, state);
  }

  /** Each node's offset now (ms), for a report. */
  offsets(): ReadonlyMap<string, number> {
    const nowMs = performance.now();
    return new Map([...this.skews].map(([node, state]) => [node, state.offsetAt(nowMs)]));
  }

  /** Stops rewriting offsets (drift and strobes); the files keep their last offset. */
  close(): void {
    for (const ticker of this.tickers.values()) clearInterval(ticker);
    this.tickers.clear();
  }

  /** Writes the offset, keeps rewriting it while it moves (drift, strobe), and verifies the JVM sees it. */
  private async follow(name: string, state: NodeSkew): Promise<void> {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (node === undefined) throw new FaultlineError('E_USAGE', `no node named ${name}`, { where: 'clock nemesis' });
    clearInterval(this.tickers.get(name));
    this.tickers.delete(name);
    writeOffset(node, state.offsetAt(performance.now()));
    if (state.moving) {
      const ticker = setInterval(() => writeOffset(node, state.offsetAt(performance.now())), state.refreshMs);
      ticker.unref();
      this.tickers.set(name, ticker);
    }
    if (!(await this.verify(node, state))) {
      throw new FaultlineError('E_INFRASTRUCTURE', `the clock offset of ${name} (${Math.round(state.offsetAt(performance.now()))} ms) did not take effect within ${VERIFY_TIMEOUT_MS / 1000} s`, {
        where: name,
        hint: `is the JVM started with libfaketime (${LIBFAKETIME}, bash scripts/setup.sh)?`,
      });
    }
  }

  /** Polls the node's admin server until its clock is offset as asked (within the Date header's second, and a strobe's swing). */
  private async verify(node: RealNodeInfo, state: NodeSkew): Promise<boolean> {
    const deadline = performance.now() + VERIFY_TIMEOUT_MS;
    while (performance.now() < deadline) {
      try {
        // The host's wall clock is what the JVM's is compared with: Date.now is the measure here.
        const before = Date.now();
        const jvmMs = await httpDate(`http://${node.address}:${ADMIN_PORT}/commands/ruok`, VERIFY_POLL_MS * 5);
        const seenMs = jvmMs - (before + Date.now()) / 2;
        if (Math.abs(seenMs - state.offsetAt(performance.now())) <= VERIFY_TOLERANCE_MS + 2 * state.strobeAmplitudeMs) return true;
      } catch {
        // Not answering yet (or paused): try again until the deadline.
      }
      await delay(VERIFY_POLL_MS);
    }
    return false;
  }
}
