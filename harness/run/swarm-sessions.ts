/**
 * What a swarm run of a lock workload on the bundled coordinator draws
 * besides its faults: the session timeout (a ZooKeeper session timeout, an
 * etcd lease TTL). Users run short ones to fail over fast, and a lock's
 * safety must not hang on a fault outlasting a long one: with the default
 * 5 s, a lease that runs out unnoticed needs a partition longer than most
 * faults. Its own stream of the seed, so the fault draw is unchanged. Only
 * the simulator's coordinator takes the option (sim/deployment.ts).
 */
import { SeededRandom } from '../../common/random.js';
import type { RunConfig } from '../../common/run-config.js';

export const SWARM_SESSIONS_STREAM = 'harness:swarm-sessions';

/**
 * Short sessions, as run by users who fail over fast: from the service's
 * smallest session timeout (ZooKeeper's is two ticks) to 2 s, so the 1-5 s
 * faults of a run often outlast one. Measured (bench/detect.ts --swarm, 40
 * seeds): lock-skips-lease-check caught in 38 (raft) and 36 (zab) with 1-2 s,
 * 37 and 35 with 1-3 s; the correct engines stay as clean as with 5 s.
 */
export const DRAWN_SESSION_TIMEOUT_MS = { min: 1000, max: 2000 } as const;

const LOCK_WORKLOADS: readonly string[] = ['lock', 'lock-fencing'];

/** The drawn session timeout, or nothing when the run sets its own or does not lock on the coordinator. */
export function drawSessionTimeout(config: RunConfig): Pick<RunConfig, 'sessionTimeoutMs'> | Record<string, never> {
  if (config.sessionTimeoutMs !== undefined || !LOCK_WORKLOADS.includes(config.workload) || !config.system.startsWith('coordinator-') || config.runtime !== 'sim') return {};
  const random = new SeededRandom(config.seed).fork(SWARM_SESSIONS_STREAM);
  const { min, max } = DRAWN_SESSION_TIMEOUT_MS;
  return { sessionTimeoutMs: Math.round(min * (max / min) ** random.next()) };
}
