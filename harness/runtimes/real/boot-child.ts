/**
 * A stand-in harness for the leftovers tests, run as its own process:
 * `node boot-child.js <runtime> <runId> <workDirectory> <projectDirectory>`
 * boots 3 nodes with stand-in processes and prints "ready"; on SIGINT (even
 * one that arrives while booting) it tears down, prints "torn down" and exits.
 * SIGKILL it to leave leftovers behind.
 */
import { bootRuntime, type RealCluster } from './index.js';
import { standInSpec } from './test-support.js';

const [runtime, runId, workDirectory, projectDirectory] = process.argv.slice(2) as ['docker' | 'local', string, string, string];
let interrupted = false;
let cluster: RealCluster | undefined;

async function stop(): Promise<void> {
  await cluster?.teardown();
  process.stdout.write('torn down\n');
  process.exit(0);
}

process.on('SIGINT', () => {
  interrupted = true;
  if (cluster !== undefined) void stop();
});

cluster = await bootRuntime(runtime, { runId, nodes: ['n1', 'n2', 'n3'], workDirectory, mounts: [projectDirectory] });
if (interrupted) await stop();
for (const node of cluster.nodes) await cluster.start(node.name, standInSpec());
process.stdout.write('ready\n');
// Stay up until a signal comes.
setInterval(() => undefined, 60_000);
