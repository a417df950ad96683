/**
 * The bundled coordinator as real processes: the node entry script and its
 * arguments, the admin endpoint's client, and CoordinatorClients over TCP for
 * the harness. Runtimes (docker, local) start NODE_MAIN with nodeArguments().
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of the compiled node entry script (dist/clusters/coordinator/server/main.js). */
export const NODE_MAIN: string = fileURLToPath(new URL('./main.js', import.meta.url));

export { nodeArguments, parseNodeArguments, type NodeProcessOptions } from './arguments.js';
export { AdminClient, type AdminClock, type AdminStatus } from './admin-client.js';
export { createTcpClientFactory, type TcpClientFactory, type TcpClientFactoryOptions } from './tcp-client-factory.js';
export { startNodeHost, type NodeHost } from './node-host.js';
export { runNodeUntilSignal } from './run-node.js';
