/**
 * Test doubles for the nemesis tests: a FaultControl that records every call
 * and tracks what is broken (so a test can ask "is anything still down?"),
 * and a Scheduler on a virtual clock that the test advances by hand.
 */
import assert from 'node:assert/strict';
import type { ClockSkew, FaultAbility, FaultControl, Scheduler } from '../harness/runtimes/index.js';

export class RecordingFaultControl implements FaultControl {
  readonly abilities: ReadonlySet<FaultAbility>;
  /** Every call, as "method arguments", in order. */
  readonly calls: string[] = [];
  readonly cutLinks = new Set<string>();
  readonly killed = new Set<string>();
  readonly paused = new Set<string>();
  readonly skewed = new Map<string, ClockSkew>();

  constructor(
    readonly nodes: readonly string[],
    abilities: readonly FaultAbility[] = ['partition', 'kill', 'pause', 'clock'],
  ) {
    this.abilities = new Set(abilities);
  }

  /** True when nothing is cut, dead, paused or skewed. */
  whole(): boolean {
    return this.cutLinks.size === 0 && this.killed.size === 0 && this.paused.size === 0 && this.skewed.size === 0;
  }

  partition(groups: string[][]): void {
    this.calls.push(`partition ${JSON.stringify(groups)}`);
    for (const group of groups) {
      for (const other of groups) {
        if (other === group) continue;
        for (const from of group) for (const to of other) this.cutLinks.add(`${from}->${to}`);
      }
    }
  }

  cutLink(from: string, to: string): void {
    this.calls.push(`cutLink ${from} ${to}`);
    this.cutLinks.add(`${from}->${to}`);
  }

  heal(): void {
    this.calls.push('heal');
    this.cutLinks.clear();
  }

  kill(node: string): void {
    this.calls.push(`kill ${node}`);
    assert.ok(!this.killed.has(node) && !this.paused.has(node), `kill ${node}: already down`);
    this.killed.add(node);
  }

  restart(node: string): void {
    this.calls.push(`restart ${node}`);
    assert.ok(this.killed.delete(node), `restart ${node}: not killed`);
  }

  pause(node: string): void {
    this.calls.push(`pause ${node}`);
    assert.ok(!this.killed.has(node) && !this.paused.has(node), `pause ${node}: already down`);
    this.paused.add(node);
  }

  resume(node: string): void {
    this.calls.push(`resume ${node}`);
    assert.ok(this.paused.delete(node), `resume ${node}: not paused`);
  }

  skewClock(node: string, skew: ClockSkew): void {
    this.calls.push(`skewClock ${node} ${JSON.stringify(skew)}`);
    this.skewed.set(node, skew);
  }

  resetClock(node: string): void {
    this.calls.push(`resetClock ${node}`);
    this.skewed.delete(node);
  }
}

interface Timer {
  atMs: number;
  order: number;
  label: string;
  callback: () => void;
}

/** Virtual time that moves only in runUntil(); ties run in the order they were scheduled. */
export class ManualScheduler implements Scheduler {
  private timeMs = 0;
  private scheduled = 0;
  private readonly timers: Timer[] = [];

  nowMs(): number {
    return this.timeMs;
  }

  after(delayMs: number, label: string, callback: () => void): void {
    assert.ok(delayMs >= 0, `negative delay ${delayMs}`);
    this.timers.push({ atMs: this.timeMs + delayMs, order: this.scheduled++, label, callback });
  }

  pending(): number {
    return this.timers.length;
  }

  runUntil(untilMs: number): void {
    for (;;) {
      this.timers.sort((left, right) => left.atMs - right.atMs || left.order - right.order);
      const next = this.timers[0];
      if (next === undefined || next.atMs > untilMs) break;
      this.timers.shift();
      this.timeMs = next.atMs;
      next.callback();
    }
    this.timeMs = untilMs;
  }
}
