/**
 * Test double for the nemesis tests: a FaultControl that records every call
 * and tracks what is broken (so a test can ask "is anything still down?").
 * Their clock is the manual test scheduler (common/testing/manual-scheduler.ts).
 */
import assert from 'node:assert/strict';
import type { ClockSkew, FaultAbility, FaultControl } from '../harness/runtimes/index.js';

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
