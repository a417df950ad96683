/**
 * Clock faults on ZooKeeper through libfaketime (Debian's faketime),
 * preloaded into each node's JVM. Its offset lives in a file per node that
 * libfaketime reads at every clock call (FAKETIME_NO_CACHE), so it changes
 * while the JVM runs. Only the wall clock moves: with the monotonic clocks
 * faked too they jump, and with DONT_FAKE_MONOTONIC alone each JVM spins
 * (measured: about 65% CPU, elections of 24-65 s) unless
 * FAKETIME_FORCE_MONOTONIC_FIX=0 goes with it.
 *
 * A skew is verified from inside the JVM: the Date header of the node's
 * admin server (Jetty) is the JVM's wall clock, to the second. Bumps only:
 * libfaketime's speed factor jumps the clock when it changes at run time,
 * and it has no strobe.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultlineError } from '../../common/errors.js';
import type { ClockSkew } from '../../harness/runtimes/index.js';
import type { ClockControl, RealNodeInfo } from '../../harness/runtimes/real/index.js';
import { ADMIN_PORT, zookeeperDirectory } from './config.js';
import { httpDate } from './admin-date.js';

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

function writeOffset(node: RealNodeInfo, offsetMs: number): void {
  const sign = offsetMs < 0 ? '-' : '+';
  writeFileSync(faketimeFile(node), `${sign}${(Math.abs(offsetMs) / 1000).toFixed(3)}\n`);
}

export class ZooKeeperClockControl implements ClockControl {
  private readonly offsetMs = new Map<string, number>();

  constructor(private readonly nodes: readonly RealNodeInfo[]) {}

  async skew(node: string, skew: ClockSkew): Promise<void> {
    if (skew.strobe !== undefined || (skew.rate !== undefined && skew.rate !== 1)) {
      throw new FaultlineError('E_UNSUPPORTED', `ZooKeeper's clock can only be bumped (asked: ${JSON.stringify(skew)})`, {
        where: 'clock nemesis',
        hint: "libfaketime's speed factor makes the clock jump when changed while the JVM runs, and it has no strobe: use clock bumps",
      });
    }
    const offsetMs = (this.offsetMs.get(node) ?? 0) + (skew.bumpMs ?? 0);
    await this.apply(node, offsetMs);
  }

  async reset(node: string): Promise<void> {
    await this.apply(node, 0);
  }

  /** Offsets as set, per node, for a report. */
  offsets(): ReadonlyMap<string, number> {
    return this.offsetMs;
  }

  private async apply(name: string, offsetMs: number): Promise<void> {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (node === undefined) throw new FaultlineError('E_USAGE', `no node named ${name}`, { where: 'clock nemesis' });
    writeOffset(node, offsetMs);
    this.offsetMs.set(name, offsetMs);
    const seenMs = await this.verify(node, offsetMs);
    if (seenMs === null) {
      throw new FaultlineError('E_INFRASTRUCTURE', `the clock offset ${offsetMs} ms did not take effect on ${name} within ${VERIFY_TIMEOUT_MS / 1000} s`, {
        where: name,
        hint: `is the JVM started with libfaketime (${LIBFAKETIME}, bash scripts/setup.sh)?`,
      });
    }
  }

  /** Polls the node's admin server until its clock is offset as asked; the offset seen, or null. */
  private async verify(node: RealNodeInfo, offsetMs: number): Promise<number | null> {
    const deadline = performance.now() + VERIFY_TIMEOUT_MS;
    while (performance.now() < deadline) {
      try {
        // The host's wall clock is what the JVM's is compared with: Date.now is the measure here.
        const before = Date.now();
        const jvmMs = await httpDate(`http://${node.address}:${ADMIN_PORT}/commands/ruok`, VERIFY_POLL_MS * 5);
        const seenMs = jvmMs - (before + Date.now()) / 2;
        if (Math.abs(seenMs - offsetMs) <= VERIFY_TOLERANCE_MS) return seenMs;
      } catch {
        // Not answering yet (or paused): try again until the deadline.
      }
      await delay(VERIFY_POLL_MS);
    }
    return null;
  }
}
