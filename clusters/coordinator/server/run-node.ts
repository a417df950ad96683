/**
 * Runs one node until SIGTERM or SIGINT, then stops it cleanly (what it
 * synced is on disk, ports closed). Shared by the node entry script
 * (main.ts) and `faultline node`. A port in use or an unwritable data
 * directory is an infrastructure error; a crash of the core is logged to
 * node.log and ends the process, as a kill would.
 */
import { FaultlineError } from '../../../common/errors.js';
import type { NodeProcessOptions } from './arguments.js';
import { startNodeHost, type NodeHost } from './node-host.js';

/** Resolves when the node has stopped after a signal. */
export async function runNodeUntilSignal(options: NodeProcessOptions): Promise<void> {
  const echo = (text: string): void => void process.stderr.write(text);
  let host: NodeHost;
  try {
    host = await startNodeHost(options, { echo });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EROFS' || code === 'ENOSPC') {
      throw new FaultlineError('E_INFRASTRUCTURE', `node ${options.id} could not start: ${(error as Error).message}`, { hint: 'pick free ports and a writable --data-dir' });
    }
    throw error;
  }
  // A crash of the core (an assertion) goes to node.log too, and ends the process as a kill would: nothing more is synced.
  process.once('uncaughtException', (error) => {
    host.log(`crashed: ${error?.stack ?? error}`);
    process.exit(70);
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stderr.write(`${options.id}: ${signal}, stopping\n`);
      host.stop().then(resolve, (error: unknown) => {
        process.stderr.write(`${options.id}: stopping failed: ${(error as Error)?.stack ?? error}\n`);
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
