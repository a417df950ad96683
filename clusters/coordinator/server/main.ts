#!/usr/bin/env node
/**
 * The coordinator node process: `node main.js --id n1 --engine raft --member
 * n1=127.0.0.1:7001 ... --data-dir DIR --port 7001 --admin-port 8001`
 * (see arguments.ts). Exit codes: 0 after SIGTERM/SIGINT, 3 for bad
 * arguments, 4 when the node could not start.
 */
import { isFaultlineError } from '../../../common/errors.js';
import { parseNodeArguments } from './arguments.js';
import { runNodeUntilSignal } from './run-node.js';

async function main(argv: string[]): Promise<number> {
  try {
    await runNodeUntilSignal(parseNodeArguments(argv));
    return 0;
  } catch (error) {
    // The harness's CLI cannot be imported from here (clusters never import harness): the same rule, kept short.
    if (isFaultlineError(error)) {
      process.stderr.write(`faultline node: ${error.describe()}\n`);
      return error.code === 'E_INFRASTRUCTURE' ? 4 : 3;
    }
    process.stderr.write(`faultline node: internal error:\n${(error as Error)?.stack ?? error}\n`);
    return 4;
  }
}

main(process.argv.slice(2)).then((code) => {
  // Stop at once: nothing of the node is left to wait for.
  process.exit(code);
});
