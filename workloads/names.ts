/**
 * The one list of workload names. The registry, the run config's checks, the
 * CLI's help and the compare matrix all take it from here, so adding a
 * workload is one line here and one in registry.ts (the compiler asks for it).
 */
export const WORKLOAD_NAMES = ['register', 'lock', 'lock-fencing', 'sequence'] as const;

export type WorkloadName = (typeof WORKLOAD_NAMES)[number];
