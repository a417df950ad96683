/**
 * The real runtimes' FaultControl. The nemesis calls it synchronously, but
 * real faults take time (iptables, signals, the docker engine), so each call
 * queues its work behind the previous one and returns at once. Every fault is
 * verified by the runtime before the next starts; the first that failed is
 * kept for the run to report as an infrastructure error.
 */
import assert from 'node:assert/strict';
import { FaultlineError } from '../../../common/errors.js';
import type { ClockSkew, FaultAbility } from '../index.js';
import { withTimeout } from './host-commands.js';
import { LinkCuts, partitionLinks, type NamespacedNode } from './network-faults.js';
import type { ClockControl, RealFaultControl } from './types.js';
import { ClockFaults } from './fault-control-clock.js';

const MAX_QUEUED_FAULTS = 1_000;
const FAULT_TIMEOUT_MS = 20_000;

/** The process faults a runtime implements; each resolves once the fault is verified. */
export interface ProcessFaults {
  kill(node: string): Promise<void>;
  restart(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  resume(node: string): Promise<void>;
}

export class QueuedFaultControl implements RealFaultControl {
  readonly abilities: ReadonlySet<FaultAbility>;
  readonly nodes: readonly string[];
  private readonly cuts: LinkCuts;
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private firstFailure: Error | undefined;
  private readonly clocks: ClockFaults | undefined;

  constructor(
    namespacedNodes: () => readonly NamespacedNode[],
    private readonly processes: ProcessFaults,
    clock?: ClockControl,
  ) {
    this.clocks = clock === undefined ? undefined : new ClockFaults(clock);
    this.nodes = namespacedNodes().map((node) => node.name);
    this.cuts = new LinkCuts(namespacedNodes);
    const abilities: FaultAbility[] = ['partition', 'kill', 'pause'];
    if (clock !== undefined) abilities.push('clock');
    this.abilities = new Set(abilities);
  }

  partition(groups: string[][]): void {
    this.enqueue(`partition ${groups.map((group) => group.join(',')).join('|')}`, () => this.cuts.add(partitionLinks(groups)));
  }

  cutLink(from: string, to: string): void {
    this.enqueue(`cut ${from}->${to}`, () => this.cuts.add([[from, to]]));
  }

  heal(): void {
    this.enqueue('heal', () => this.cuts.clear());
  }

  kill(node: string): void {
    this.enqueue(`kill ${node}`, async () => {
      await this.processes.kill(node);
      this.clocks?.killed(node);
    });
  }

  restart(node: string): void {
    this.enqueue(`restart ${node}`, async () => {
      await this.processes.restart(node);
      await this.clocks?.restarted(node);
    });
  }

  pause(node: string): void {
    this.enqueue(`pause ${node}`, async () => {
      await this.processes.pause(node);
      this.clocks?.paused(node);
    });
  }

  resume(node: string): void {
    this.enqueue(`resume ${node}`, async () => {
      await this.processes.resume(node);
      await this.clocks?.resumed(node);
    });
  }

  skewClock(node: string, skew: ClockSkew): void {
    this.enqueue(`skew clock of ${node}`, () => this.clockFaults().skew(node, skew));
  }

  resetClock(node: string): void {
    this.enqueue(`reset clock of ${node}`, () => this.clockFaults().reset(node));
  }

  settled(): Promise<void> {
    return this.tail;
  }

  failure(): Error | undefined {
    return this.firstFailure;
  }

  private clockFaults(): ClockFaults {
    if (this.clocks === undefined) throw new FaultlineError('E_UNSUPPORTED', 'clock faults need the system to control node clocks');
    return this.clocks;
  }

  private enqueue(label: string, work: () => Promise<void>): void {
    assert.ok(this.queued < MAX_QUEUED_FAULTS, `more than ${MAX_QUEUED_FAULTS} faults queued`);
    this.queued++;
    this.tail = this.tail.then(async () => {
      try {
        await withTimeout(work(), FAULT_TIMEOUT_MS, label);
      } catch (error) {
        this.firstFailure ??= asInfrastructureError(label, error);
      } finally {
        this.queued--;
      }
    });
  }
}

function asInfrastructureError(label: string, error: unknown): Error {
  if (error instanceof FaultlineError) return new FaultlineError(error.code, `${label}: ${error.message}`, { ...(error.hint === undefined ? {} : { hint: error.hint }) });
  return new FaultlineError('E_INFRASTRUCTURE', `${label}: ${error instanceof Error ? error.message : String(error)}`);
}
