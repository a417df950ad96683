/**
 * A coordinator node: a consensus engine, the replicated state machine it
 * feeds, and the server that clients talk to, composed over one World. The
 * host (simulator or real process) only routes messages to receive() and
 * calls stop(); everything else happens through the World.
 */
import assert from 'node:assert/strict';
import type { ConsensusEngine, EngineKind, EngineOptions, EngineStatus, LogEntry, Position, Snapshot } from './engine.js';
import type { Address, Endpoint, Message, World } from './world.js';
import { ServiceStateMachine, type OrphanedEphemeral } from './service/state-machine.js';
import { AppliedAheadLog } from './applied-ahead.js';
import { CoordinatorServer } from './service/server.js';
import { DEFAULT_SERVICE_TIMING, type ServiceTiming } from './service/handlers.js';
import type { OperationResult, ReadOperation, SessionInfo } from './service/types.js';
import { createEngine as createRealEngine, type EngineTuning } from './engines/index.js';
import { REGISTER_ROOT } from './client/recipes.js';

/** Builds an engine of the given kind; the engines' own factory, or a fake in tests. */
export type EngineFactory = (kind: EngineKind, options: EngineOptions) => ConsensusEngine;

export interface CoordinatorTiming extends ServiceTiming {
  electionTimeoutMs: number;
  heartbeatIntervalMs: number;
  leaseMs: number;
  maxClockDriftMs: number;
}

/**
 * The lease asked for is longer than the election timeout: a correct leader
 * cuts it to the election timeout minus the drift bound (300 - 120 = 180 ms
 * on its monotonic clock: at a quarter slow, as far as the clock nemesis
 * drifts a clock, that is 240 ms, no later than a follower a quarter fast can
 * time out); the stale-lease-read bug takes the 5 s as they are.
 */
export const DEFAULT_COORDINATOR_TIMING: CoordinatorTiming = {
  ...DEFAULT_SERVICE_TIMING,
  electionTimeoutMs: 300,
  heartbeatIntervalMs: 50,
  leaseMs: 5000,
  maxClockDriftMs: 120,
};

export interface CoordinatorNodeOptions {
  world: World;
  engineKind: EngineKind;
  /** Every voting member, this node included when it votes. */
  members: Address[];
  observers?: Address[];
  bugs?: Iterable<string>;
  timing?: Partial<CoordinatorTiming>;
  /** Log compaction and batching knobs of the real engines. */
  engineTuning?: EngineTuning;
  /** Defaults to the real engines (engines/index.ts); tests inject fakes. */
  createEngine?: EngineFactory;
}

/** What convergence checks compare between replicas. */
export interface ServiceView {
  appliedPosition: Position;
  /** Equal on two replicas that applied the same entries. */
  digest: string;
  liveSessions: SessionInfo[];
  snapshot(): Snapshot;
  /** A read of this replica's own applied state, for final-state dumps (no consensus involved). */
  read(operation: ReadOperation): OperationResult;
  /** Every ephemeral node of this replica with its owner session, for the final-state check. */
  ephemerals(): Array<{ path: string; owner: number }>;
}

export interface CoordinatorNode extends Endpoint {
  readonly engine: ConsensusEngine;
  stop(): void;
  status(): EngineStatus;
  service(): ServiceView;
  /** Client connections this node's server holds. */
  connectionCount(): number;
  /** An ephemeral node whose owner session this replica no longer has (never, when it is correct), for the simulator's step checks. */
  orphanedEphemeral(): OrphanedEphemeral | null;
  /** Entries applied past the engine's own commit position since the last call (none, when it is correct), for the simulator's step checks. */
  drainAppliedAhead(): LogEntry[];
}

/** This replica's register values (RegisterRecipe's keys), read from its own applied state: null for a key it lacks. */
export function readRegisters(service: Pick<ServiceView, 'read'>, keys: readonly string[]): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const key of keys) {
    const result = service.read({ type: 'getData', path: `${REGISTER_ROOT}/${key}` });
    values[key] = result.ok ? Number((result.value as { data: string }).data) : null;
  }
  return values;
}

export function createCoordinatorNode(options: CoordinatorNodeOptions): CoordinatorNode {
  const { world } = options;
  assert.ok(options.members.length > 0, 'a coordinator cluster needs members');
  const timing: CoordinatorTiming = { ...DEFAULT_COORDINATOR_TIMING, ...options.timing };
  const bugs: ReadonlySet<string> = new Set(options.bugs ?? []);
  const state = new ServiceStateMachine(bugs);
  const appliedAhead = new AppliedAheadLog();
  // The engine may replay committed entries while it starts, before the server exists.
  let server: CoordinatorServer | null = null;
  const createEngine = options.createEngine ?? createRealEngine;
  const engine = createEngine(options.engineKind, {
    ...options.engineTuning,
    world,
    members: [...options.members],
    observers: [...(options.observers ?? [])],
    bugs,
    electionTimeoutMs: timing.electionTimeoutMs,
    heartbeatIntervalMs: timing.heartbeatIntervalMs,
    leaseMs: timing.leaseMs,
    maxClockDriftMs: timing.maxClockDriftMs,
    onCommit: (entry: LogEntry) => {
      const status = engine.status();
      appliedAhead.record(entry, status.commitPosition);
      const outcome = state.apply(entry, status.epoch);
      server?.applied(outcome);
    },
    takeSnapshot: () => state.takeSnapshot(),
    installSnapshot: (snapshot: Snapshot) => {
      if (server === null) state.installSnapshot(snapshot);
      else server.installSnapshot(snapshot);
    },
  });
  const liveServer = new CoordinatorServer({ world, engine, state, bugs, timing });
  server = liveServer;
  engine.start();
  liveServer.start();
  let stopped = false;
  return {
    engine,
    receive(from: Address, message: Message): void {
      if (stopped || typeof message?.type !== 'string') return;
      if (message.type.startsWith('client.') || message.type.startsWith('service.')) {
        liveServer.receive(from, message);
      } else {
        engine.receive(from, message);
      }
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      liveServer.stop();
      engine.stop();
    },
    status: () => engine.status(),
    // The digest costs a snapshot and the sessions a scan: computed only when read, not for every view.
    service: () => ({
      appliedPosition: state.appliedPosition,
      get digest() {
        return state.digest();
      },
      get liveSessions() {
        return state.liveSessions();
      },
      snapshot: () => state.takeSnapshot(),
      read: (operation) => state.read(operation),
      ephemerals: () => state.ephemerals(),
    }),
    connectionCount: () => liveServer.connectionCount(),
    // Asked after every simulation step: straight to the state machine, which keeps the answer until its state changes.
    orphanedEphemeral: () => state.orphanedEphemeral(),
    drainAppliedAhead: () => appliedAhead.drain(),
  };
}
