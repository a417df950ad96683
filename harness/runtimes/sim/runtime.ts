/**
 * The simulator as the Runtime seam, as data; its code loads when a run
 * boots it.
 */
import type { FaultAbility, FaultTiming, Runtime } from '../index.js';

const FAULTS: ReadonlySet<FaultAbility> = new Set<FaultAbility>(['partition', 'kill', 'pause', 'clock']);
/** The simulated coordinator elects in a few hundred milliseconds: faults of one to five seconds with short gaps exercise many elections in a 30-second run. */
const FAULT_TIMING: FaultTiming = { faultMs: { min: 1000, max: 5000 }, quietMs: { min: 500, max: 3000 } };

export const simRuntime: Runtime = {
  name: 'sim',
  summary: 'a deterministic in-process simulator on virtual time: one seed, one history, byte for byte',
  faults: FAULTS,
  faultTiming: FAULT_TIMING,
  boot: async (request) => (await import('./simulated-cluster.js')).bootSimulator(request, FAULTS),
};
