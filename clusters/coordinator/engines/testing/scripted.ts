/**
 * One engine whose peers are played by a test (scripted-peer tests): no
 * service behind it, short timeouts, no bugs, and a World on the manual test
 * scheduler whose messages go to the test instead of a network.
 */
import type { ManualScheduler } from '../../../../common/testing/manual-scheduler.js';
import { SeededRandom } from '../../../../common/random.js';
import type { Address, Message, World } from '../../world.js';
import type { TunedEngineOptions } from '../shared/options.js';
import { SimulatedStorage } from '../../../../harness/runtimes/sim/storage.js';

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

/** A World for `self` on the scheduler's clock, with fresh storage; what it sends goes to `send`. */
export function scriptedWorld(self: Address, scheduler: ManualScheduler, seed: number, send: (to: Address, message: Message) => void, log: (line: string) => void = () => undefined): World {
  return {
    self,
    clock: { nowMs: () => scheduler.nowMs(), setTimer: (delayMs, callback) => scheduler.schedule(delayMs, callback), clearTimer: (handle) => scheduler.cancel(handle) },
    random: new SeededRandom(seed),
    storage: new SimulatedStorage(),
    transport: { send },
    log,
  };
}
