/**
 * The simulator's FaultControl: the nemesis's faults mapped onto a
 * Simulation's fault API. Every fault is possible here, so abilities are all
 * four. Kill is a crash (power loss, unsynced writes lost), the harsher of the
 * simulator's two ways down, because that is where consensus bugs hide.
 */
import type { Address } from '../../../clusters/coordinator/world.js';
import type { ClockSkew, FaultAbility, FaultControl } from '../index.js';
import type { Simulation } from './simulation.js';

/** A strobe lasts until resetClock(); the simulator wants an end, so give it one past any run. */
const STROBE_UNTIL_RESET_MS = 1e12;

export class SimulationFaultControl implements FaultControl {
  readonly abilities: ReadonlySet<FaultAbility> = new Set<FaultAbility>(['partition', 'kill', 'pause', 'clock']);
  readonly nodes: readonly Address[];

  constructor(private readonly simulation: Simulation) {
    this.nodes = simulation.addresses('node');
  }

  partition(groups: string[][]): void {
    this.simulation.partition(groups);
  }

  cutLink(from: string, to: string): void {
    this.simulation.cutLink(from, to);
  }

  heal(): void {
    this.simulation.heal();
  }

  kill(node: string): void {
    this.simulation.crash(node);
  }

  restart(node: string): void {
    this.simulation.restart(node);
  }

  pause(node: string): void {
    this.simulation.pause(node);
  }

  /** As on a real runtime (SIGCONT to a running process), resuming a node that is not paused, say one killed and restarted meanwhile, changes nothing. */
  resume(node: string): void {
    if (this.simulation.state(node) === 'paused') this.simulation.resume(node);
  }

  skewClock(node: string, skew: ClockSkew): void {
    if (skew.bumpMs !== undefined) this.simulation.bumpClock(node, skew.bumpMs);
    if (skew.rate !== undefined) this.simulation.setClockRate(node, skew.rate);
    if (skew.strobe !== undefined) {
      // The simulator flips between +0 and +delta; shifting down by the amplitude first makes it ±amplitude.
      const { amplitudeMs, periodMs } = skew.strobe;
      this.simulation.bumpClock(node, -amplitudeMs);
      this.simulation.strobeClock(node, { deltaMs: 2 * amplitudeMs, periodMs, durationMs: STROBE_UNTIL_RESET_MS });
    }
  }

  resetClock(node: string): void {
    this.simulation.resetClock(node);
  }
}
