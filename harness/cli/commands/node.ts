/**
 * `faultline node`: one bundled-coordinator node as a real process, the same
 * thing the runtimes start (clusters/coordinator/server/main.js), with the
 * same flags. Runs until SIGTERM or SIGINT.
 */
import type { CommandModule } from 'yargs';
import { checkNodeFlags, type RawNodeFlags } from '../../../clusters/coordinator/server/arguments.js';
import { runNodeUntilSignal } from '../../../clusters/coordinator/server/run-node.js';

export const nodeCommand: CommandModule<object, RawNodeFlags> = {
  command: 'node',
  describe: 'Run one node of the bundled coordinator as a real server (until SIGTERM or SIGINT)',
  builder: (yargs) =>
    yargs
      .option('id', { type: 'string', describe: 'this node, one of the members (e.g. n1)' })
      .option('engine', { type: 'string', choices: ['raft', 'zab'], describe: 'consensus engine' })
      .option('member', { type: 'string', array: true, describe: 'name=host:port of every voting member, this node too (repeat)' })
      .option('data-dir', { type: 'string', describe: 'storage and node.log go here' })
      .option('port', { type: 'string', describe: 'port for peers and clients (listens on 0.0.0.0)' })
      .option('admin-port', { type: 'string', describe: 'HTTP admin port: /status, /clock, /clock/reset, /registers' })
      .option('bug', { type: 'string', array: true, describe: 'deliberate bug mode (repeatable; faultline bugs lists them)' })
      .option('seed', { type: 'string', default: '0', describe: 'seed of the node\'s random stream' })
      .strict() as never,
  handler: async (argv) => {
    await runNodeUntilSignal(checkNodeFlags(argv));
  },
};
