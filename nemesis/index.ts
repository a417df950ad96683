/**
 * The Nemesis seam: faults as start/stop pairs whose targets come from pure
 * functions of the seeded random stream and the cluster's state, applied
 * through the runtime's FaultControl and recorded in the history as
 * `nemesis` events.
 */
import type { Random } from '../common/random.js';
import type { FaultAbility, FaultControl } from '../harness/runtimes/index.js';

export type NemesisName = 'none' | 'partition' | 'kill' | 'pause' | 'clock';

/** What the nemesis knows of the cluster when it picks targets. */
export interface ClusterView {
  nodes: readonly string[];
  /** The node that currently leads, if any node claims to. */
  leader: string | null;
}

/** A fault started, as recorded in the history: f "start-<kind>" with this value. */
export interface FaultDescription {
  kind: NemesisName;
  /** e.g. { groups: [["n1"], ["n2","n3"]] } or { nodes: ["n2"] } or { node: "n1", bumpMs: 3600000 }. */
  value: unknown;
}

export interface Fault {
  /** Picks targets (pure: random + view) and applies the fault; returns what was done. */
  start(control: FaultControl, random: Random, view: ClusterView): FaultDescription;
  /** Undoes exactly what start() did. */
  stop(control: FaultControl): FaultDescription;
}

export interface Nemesis {
  name: NemesisName;
  /** Abilities the runtime must have; checked before the run starts. */
  requires: readonly FaultAbility[];
  /** A new fault of this nemesis, to start now (its start() picks the targets). */
  fault(): Fault;
}
