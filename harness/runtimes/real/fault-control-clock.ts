/**
 * Clock faults that survive the process faults around them. A node that is
 * paused or killed cannot answer its admin endpoint, and a restarted process
 * starts at true time; so the skew the nemesis wants is remembered per node
 * and applied when the node can take it: at once when it runs, on resume
 * when it was paused, and again after each restart.
 */
import type { ClockSkew } from '../index.js';
import type { ClockControl } from './types.js';

/** A restarted node needs a moment before its admin endpoint listens. */
const RESTART_APPLY_TIMEOUT_MS = 10_000;
const RETRY_INTERVAL_MS = 200;

type NodeState = 'running' | 'paused' | 'killed';

export class ClockFaults {
  private readonly states = new Map<string, NodeState>();
  /** The skew the nemesis wants on each node; absent: true time. */
  private readonly wanted = new Map<string, ClockSkew>();
  /** Nodes whose process does not yet run the wanted clock. */
  private readonly stale = new Set<string>();

  constructor(private readonly control: ClockControl) {}

  async skew(node: string, skew: ClockSkew): Promise<void> {
    this.wanted.set(node, skew);
    this.stale.add(node);
    if (this.state(node) === 'running') await this.apply(node, 0);
  }

  async reset(node: string): Promise<void> {
    this.wanted.delete(node);
    this.stale.add(node);
    if (this.state(node) === 'running') await this.apply(node, 0);
  }

  paused(node: string): void {
    this.states.set(node, 'paused');
  }

  killed(node: string): void {
    this.states.set(node, 'killed');
    // The next process starts at true time: only a wanted skew needs applying then.
    if (this.wanted.has(node)) this.stale.add(node);
    else this.stale.delete(node);
  }

  async resumed(node: string): Promise<void> {
    if (this.state(node) === 'killed') return;
    this.states.set(node, 'running');
    if (this.stale.has(node)) await this.apply(node, 0);
  }

  async restarted(node: string): Promise<void> {
    this.states.set(node, 'running');
    if (this.stale.has(node)) await this.apply(node, RESTART_APPLY_TIMEOUT_MS);
  }

  private state(node: string): NodeState {
    return this.states.get(node) ?? 'running';
  }

  /** Applies the wanted clock, retrying for up to retryForMs while a restarted node comes up. */
  private async apply(node: string, retryForMs: number): Promise<void> {
    const deadline = Date.now() + retryForMs;
    for (;;) {
      try {
        const skew = this.wanted.get(node);
        if (skew === undefined) await this.control.reset(node);
        else await this.control.skew(node, skew);
        this.stale.delete(node);
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS));
      }
    }
  }
}
