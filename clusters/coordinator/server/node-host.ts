/**
 * The real host of one coordinator node: the World the core runs in (TCP
 * network, file storage with group commit, a skewable real clock, a seeded
 * random stream, a log file), the node itself, and its admin endpoint.
 * What the simulator's Host is to a simulated machine, for a real process.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { SeededRandom } from '../../../common/random.js';
import { createCoordinatorNode, readRegisters, type CoordinatorNode, type CoordinatorTiming } from '../node.js';
import type { Storage, World } from '../world.js';
import { startAdminServer, type AdminHandlers } from './admin-server.js';
import type { NodeProcessOptions } from './arguments.js';
import { DurableOutbox } from './durable-outbox.js';
import { FileStorage } from './file-storage.js';
import { NodeLog } from './node-log.js';
import { NodeNetwork } from './node-network.js';
import { RealClock } from './real-clock.js';

/**
 * Timing of real processes, by engine, over the simulator's defaults. Both
 * engines tell followers of a commit at once (Raft with an empty append, ZAB
 * with COMMIT), so the simulator's beat serves real networks too; the table
 * stays as the place to tune a real deployment.
 */
export const REAL_PROCESS_TIMING: Record<'raft' | 'zab', Partial<CoordinatorTiming>> = {
  raft: {},
  zab: {},
};

export interface NodeHost {
  readonly node: CoordinatorNode;
  /** Appends a line to node.log (and stderr). */
  log(line: string): void;
  /** Stops the node, makes what it synced durable, and closes every port and file. */
  stop(): Promise<void>;
}

export interface NodeHostOptions {
  /** Also copy log lines to stderr. */
  echo?: (line: string) => void;
}

export async function startNodeHost(options: NodeProcessOptions, hostOptions: NodeHostOptions = {}): Promise<NodeHost> {
  fs.mkdirSync(options.dataDirectory, { recursive: true });
  const log = new NodeLog(path.join(options.dataDirectory, 'node.log'), hostOptions.echo);
  const write = (line: string): void => log.write(line);
  const incarnation = nextIncarnation(options.dataDirectory);
  write(`starting ${options.id} (${options.engine}, incarnation ${incarnation}, pid ${process.pid}) on port ${options.port}, admin ${options.adminPort}`);
  const storage = new FileStorage(options.dataDirectory, { log: write });
  const clock = new RealClock();
  let node: CoordinatorNode | null = null;
  const network = new NodeNetwork({ self: options.id, members: options.members, port: options.port, onMessage: (from, message) => node?.receive(from, message), log: write });
  const outbox = new DurableOutbox(storage, (to, message) => network.send(to, message));
  const durableStorage: Storage = {
    get: (key) => storage.get(key),
    set: (key, value) => storage.set(key, value),
    delete: (key) => storage.delete(key),
    keys: (prefix) => storage.keys(prefix),
    sync: () => {
      storage.sync();
      outbox.synced();
    },
  };
  const world: World = {
    self: options.id,
    clock,
    random: new SeededRandom(options.seed).fork(`node:${options.id}:${incarnation}`),
    storage: durableStorage,
    transport: { send: (to, message) => outbox.send(to, message), sendAtOnce: (to, message) => network.send(to, message) },
    log: write,
  };
  let admin: http.Server | null = null;
  try {
    await network.start();
    node = createCoordinatorNode({ world, engineKind: options.engine, members: Object.keys(options.members), bugs: options.bugs, timing: REAL_PROCESS_TIMING[options.engine] });
    admin = await startAdminServer(options.adminPort, adminHandlers(options.id, node, clock));
  } catch (error) {
    node?.stop();
    await network.stop();
    storage.close();
    clock.clearAll();
    log.close();
    throw error;
  }
  const running = node;
  const adminServer = admin;
  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    running.stop();
    clock.clearAll();
    outbox.stop();
    // Whatever was synced reaches the disk; what was held behind it is dropped, as a crash would.
    storage.close();
    adminServer.closeAllConnections();
    await Promise.all([network.stop(), new Promise<void>((resolve) => adminServer.close(() => resolve()))]);
    write(`stopped ${options.id}`);
    log.close();
  };
  return { node: running, log: write, stop: () => (stopping ??= stop()) };
}

function adminHandlers(id: string, node: CoordinatorNode, clock: RealClock): AdminHandlers {
  return {
    status: () => {
      const status = node.status();
      const service = node.service();
      return {
        node: id,
        role: status.role,
        epoch: status.epoch,
        leader: status.leader,
        commitPosition: status.commitPosition,
        appliedPosition: service.appliedPosition,
        digest: service.digest,
        clock: clock.reading(),
        pid: process.pid,
      };
    },
    skewClock: (request) => clock.skew(request),
    resetClock: () => clock.reset(),
    registers: (keys) => readRegisters(node.service(), keys),
  };
}

/** Counts boots in the data directory, so each boot draws a different random stream from the same seed. */
function nextIncarnation(directory: string): number {
  const file = path.join(directory, 'incarnation');
  let previous = 0;
  try {
    previous = Number(fs.readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    previous = 0;
  }
  fs.writeFileSync(file, String(previous + 1));
  return previous + 1;
}
