/**
 * The real runtimes as the Runtime seam, as data: what each can do and its
 * fault timing. Their code (docker, namespaces, host commands) loads when a
 * run boots one.
 */
import type { FaultAbility, FaultTiming, Runtime } from '../index.js';

export const FAULTS: ReadonlySet<FaultAbility> = new Set<FaultAbility>(['partition', 'kill', 'pause', 'clock']);
/** A real fault must last a little longer than a simulated one for its effect (a container paused, links cut) to be seen. */
export const FAULT_TIMING: FaultTiming = { faultMs: { min: 2000, max: 6000 }, quietMs: { min: 1000, max: 3000 } };

export function realRuntime(name: 'docker' | 'local', summary: string): Runtime {
  return {
    name,
    summary,
    // Clock faults need the system's help (it knows how its nodes read time): each system says where it can.
    faults: FAULTS,
    faultTiming: FAULT_TIMING,
    boot: async (request) => (await import('./runtime-cluster.js')).bootReal(name, request, FAULTS),
    clean: async (dryRun) => (await import('./index.js')).cleanLeftovers({ dryRun }),
  };
}
