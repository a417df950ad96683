/**
 * CoordinatorClients in the harness process, over TCP to a real cluster.
 * Each open() makes a new client (a new address, so a new session) that
 * connects to one server at a time and fails over as CoordinatorClient does;
 * its calls time out into info and are never retried. close() ends every
 * socket and timer, so the harness process can exit.
 */
import { randomBytes } from 'node:crypto';
import { SeededRandom } from '../../../common/random.js';
import { CoordinatorClient } from '../client/client.js';
import type { Clock } from '../world.js';
import { ClientNetwork } from './client-network.js';
import { RealClock } from './real-clock.js';

export interface TcpClientFactoryOptions {
  /** Member name -> "host:port". */
  servers: Record<string, string>;
  seed: number;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  sessionTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface TcpClientFactory {
  open(): CoordinatorClient;
  clock: Pick<Clock, 'setTimer' | 'clearTimer'>;
  close(): void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 1000;

export function createTcpClientFactory(options: TcpClientFactoryOptions): TcpClientFactory {
  const log = options.log ?? (() => {});
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const network = new ClientNetwork(options.servers, { connectTimeoutMs, log });
  const clock = new RealClock();
  const random = new SeededRandom(options.seed);
  // Client addresses must not collide with those of another harness process talking to the same cluster.
  const tag = randomBytes(4).toString('hex');
  const servers = Object.keys(options.servers);
  const clients: CoordinatorClient[] = [];
  let count = 0;
  let closed = false;
  return {
    open(): CoordinatorClient {
      if (closed) throw new Error('the client factory is closed');
      const address = `c${++count}-${tag}`;
      const client = new CoordinatorClient({
        self: address,
        servers,
        transport: { send: (to, message) => network.send(address, to, message) },
        clock,
        random: random.fork(address),
        connectTimeoutMs,
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
        ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
        log: (line) => log(`${address}: ${line}`),
      });
      network.register(address, client);
      clients.push(client);
      return client;
    },
    clock,
    close(): void {
      if (closed) return;
      closed = true;
      network.close();
      for (const client of clients) client.stop();
      clients.length = 0;
      clock.clearAll();
    },
  };
}
