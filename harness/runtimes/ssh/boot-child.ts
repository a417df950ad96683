/**
 * A stand-in harness for the clean test, run as its own process:
 * `node boot-child.js <runId> <target JSON>` boots 3 nodes over SSH with
 * stand-in processes, cuts n1 off (so the hosts hold faultline's rules) and
 * prints "ready". SIGKILL it to leave its processes, directories and chain
 * on the hosts for `faultline clean --runtime ssh`.
 */
import { runtimeNamed, type SshTarget } from '../index.js';
import { standInSpec } from '../real/test-support.js';

const [runId, targetJson] = process.argv.slice(2) as [string, string];
const cluster = await runtimeNamed('ssh').boot({ runId, nodes: ['n1', 'n2', 'n3'], seed: 1, runSeconds: 60, ssh: JSON.parse(targetJson) as SshTarget });
if (cluster.hosts.kind !== 'processes') throw new Error('the ssh runtime runs processes');
const { hosts } = cluster;
await Promise.all(cluster.nodes.map((node) => hosts.start(node.name, standInSpec())));
const faults = cluster.faultControl(undefined, () => 0);
faults.partition([['n1'], ['n2', 'n3']]);
await faults.settled();
process.stdout.write(faults.failure() === undefined ? 'ready\n' : `failed: ${faults.failure()?.message}\n`);
// Stay up until killed.
setInterval(() => undefined, 60_000);
