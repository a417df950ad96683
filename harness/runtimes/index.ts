/**
 * The Runtime seam: where a cluster's nodes run (sim, later local, docker,
 * ssh). A runtime hands the harness a Scheduler (the run's clock: virtual on
 * the simulator, real elsewhere) and a FaultControl the nemesis drives.
 * Abilities a runtime lacks are absent from `abilities`; asking for them is a
 * clear error before the run starts.
 */
export type RuntimeName = 'sim' | 'local' | 'docker' | 'ssh';

export type FaultAbility = 'partition' | 'kill' | 'pause' | 'clock';

/** The run's clock and timers. Workers, nemesis and samplers schedule through it, never setTimeout. */
export interface Scheduler {
  /** Milliseconds since the run started (virtual time on the simulator). */
  nowMs(): number;
  /** Runs fn after delayMs; labels name the actor in traces ("worker 3", "nemesis"). */
  after(delayMs: number, label: string, fn: () => void): void;
}

export interface ClockSkew {
  /** Jump the node's wall clock by this much (negative: backwards). */
  bumpMs?: number;
  /** Run the node's clock at this rate (1 = true time). */
  rate?: number;
  /** Oscillate the node's clock by ±amplitudeMs every periodMs. */
  strobe?: { amplitudeMs: number; periodMs: number };
}

/** What the nemesis can do to the cluster. Every method applies at once. */
export interface FaultControl {
  readonly abilities: ReadonlySet<FaultAbility>;
  /** Node names, "n1".."nN". */
  readonly nodes: readonly string[];
  /** Blocks traffic between groups (nodes in no group keep talking to everyone). */
  partition(groups: string[][]): void;
  /** Blocks traffic from one node to another, one way. */
  cutLink(from: string, to: string): void;
  /** Removes every partition and cut link. */
  heal(): void;
  kill(node: string): void;
  restart(node: string): void;
  pause(node: string): void;
  resume(node: string): void;
  skewClock(node: string, skew: ClockSkew): void;
  resetClock(node: string): void;
}
