/**
 * The deterministic simulator: a whole cluster and its clients in one
 * process, on virtual time, reproducible from one seed. See simulation.ts for
 * the API and invariants.ts for the consensus safety checks.
 */
export { Simulation, type HostOptions, type SimulationOptions } from './simulation.js';
export type { HostRole, HostState, NodeEndpoint, NodeFactory } from './host.js';
export type { StrobeOptions } from './clock.js';
export type { SimulationStats } from './kernel.js';
export { NodeCrashError } from './node-crash.js';
export { DEFAULT_LIMITS, SimulationLimitError, type LimitName, type SimulationLimits } from './limits.js';
export { DEFAULT_LINK_OPTIONS, type LatencyOptions, type LinkOptions, type LinkOptionsInput } from './network.js';
export { InvariantViolation } from '../../../common/invariant-violation.js';
export { simRuntime } from './runtime.js';
