/**
 * Bounds on one simulation. A protocol that livelocks (a timer re-arming
 * itself with no delay, a message storm) would otherwise spin forever; past a
 * bound the simulator stops with an error that names the bound to raise.
 */

export interface SimulationLimits {
  /** Events processed (messages delivered or dropped, timers fired, actions run). */
  maxEvents: number;
  /** Virtual true time the run may reach. */
  maxVirtualTimeMs: number;
  /** Events waiting in the queue at once. */
  maxQueuedEvents: number;
}

export const DEFAULT_LIMITS: SimulationLimits = {
  maxEvents: 200_000_000,
  maxVirtualTimeMs: 7 * 24 * 3600 * 1000,
  maxQueuedEvents: 2_000_000,
};

export type LimitName = keyof SimulationLimits;

export class SimulationLimitError extends Error {
  readonly limit: LimitName;
  readonly bound: number;

  constructor(limit: LimitName, bound: number, virtualTimeMs: number) {
    super(
      `simulation passed ${limit}=${bound} at virtual time ${virtualTimeMs.toFixed(3)} ms; ` +
        `raise limits.${limit} if the run is meant to be that long, ` +
        `or look for a livelock (a timer re-arming itself at once, a message storm)`,
    );
    this.name = 'SimulationLimitError';
    this.limit = limit;
    this.bound = bound;
  }
}
