/**
 * Options for one engine whose peers are played by a test (scripted-peer
 * tests): no service behind it, short timeouts, no bugs.
 */
import type { World } from '../../world.js';
import type { TunedEngineOptions } from '../shared/options.js';

export const SCRIPTED_ELECTION_TIMEOUT_MS = 150;

export function scriptedEngineOptions(world: World, members: readonly string[]): TunedEngineOptions {
  return {
    world,
    members: [...members],
    onCommit: () => undefined,
    takeSnapshot: () => ({ position: 0, epoch: 0, state: null }),
    installSnapshot: () => undefined,
    bugs: new Set(),
    electionTimeoutMs: SCRIPTED_ELECTION_TIMEOUT_MS,
    heartbeatIntervalMs: 30,
    leaseMs: SCRIPTED_ELECTION_TIMEOUT_MS,
    maxClockDriftMs: 30,
  };
}
