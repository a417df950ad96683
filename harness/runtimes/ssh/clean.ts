/**
 * `faultline clean --runtime ssh --ssh-hosts ...`: what killed runs left on
 * the hosts, and only that: processes carrying FAULTLINE_SSH_RUN in their
 * environment, run directories under /tmp/faultline-ssh, and faultline's
 * iptables chain with its jump from INPUT; and on this machine, its copies of
 * crashed nodes' log ends (faultline-ssh-logs-*). A run whose faultline still lives
 * on this machine (its owner file: controller, pid and start time) is left
 * alone, and so is the chain of a host such a run uses.
 */
import { hostname, tmpdir } from 'node:os';
import type { SshTarget } from '../index.js';
import { hasPartitionChain, removePartitionChain, type NamespacedNode } from '../real/network-faults.js';
import { ownerAlive } from '../real/owner.js';
import { cleanWorkDirectories } from '../real/work-directory.js';
import { MIRROR_KIND, OWNER_FILE, REMOTE_BASE } from './cluster.js';
import { commandLine, connectHosts, quote, type SshHost } from './host.js';
import { killRunProcesses } from './processes.js';

const MAX_RUNS_PER_HOST = 10_000;

function networkOf(host: SshHost): NamespacedNode {
  return { name: host.name, address: host.address, netnsPath: '', run: (command, args, input) => host.run(commandLine(command, args), { privileged: true, ...(input === undefined ? {} : { input }) }) };
}

/** Run ids on the host, each with whether a live faultline on this machine still owns it. */
async function runsOn(host: SshHost): Promise<Map<string, boolean>> {
  const script = `cd ${REMOTE_BASE} 2>/dev/null || exit 0; for d in */; do d=\${d%/}; [ -d "$d" ] || continue; printf '%s ' "$d"; head -c 2000 "$d/${OWNER_FILE}" 2>/dev/null | tr -d '\\n'; echo; done`;
  const runs = new Map<string, boolean>();
  for (const line of (await host.run(script)).split('\n').slice(0, MAX_RUNS_PER_HOST)) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    runs.set(line.slice(0, space), ownedByLiveRun(line.slice(space + 1)));
  }
  return runs;
}

function ownedByLiveRun(ownerText: string): boolean {
  try {
    const owner = JSON.parse(ownerText) as { controller?: string; pid?: number; startTime?: string };
    return owner.controller === hostname() && typeof owner.pid === 'number' && typeof owner.startTime === 'string' && ownerAlive({ pid: owner.pid, startTime: owner.startTime });
  } catch {
    return false;
  }
}

async function cleanHost(host: SshHost, dryRun: boolean): Promise<string[]> {
  const removed: string[] = [];
  const runs = await runsOn(host);
  const live = (run: string): boolean => runs.get(run) === true;
  for (const { pid, run } of await killRunProcesses(host, '*', true)) {
    if (live(run)) continue;
    removed.push(`${host.name}: process ${pid} of run ${run}`);
    if (!dryRun) await host.tryRun(`kill -9 ${pid}`, { privileged: true });
  }
  for (const run of runs.keys()) {
    if (live(run)) continue;
    removed.push(`${host.name}: directory ${REMOTE_BASE}/${run}`);
    if (!dryRun) await host.run(`rm -rf ${quote(`${REMOTE_BASE}/${run}`)}; rmdir ${REMOTE_BASE} 2>/dev/null; true`, { privileged: true });
  }
  const network = networkOf(host);
  if (![...runs.values()].some((alive) => alive) && (await hasPartitionChain(network))) {
    removed.push(`${host.name}: iptables chain FAULTLINE and its jump from INPUT`);
    if (!dryRun) await removePartitionChain(network);
  }
  return removed;
}

/** Removes (or, dry, lists) every faultline leftover on the hosts; one line per item. */
export async function cleanSsh(target: SshTarget, dryRun: boolean): Promise<string[]> {
  const hosts = await connectHosts(target, undefined);
  try {
    const onHosts = (await Promise.all(hosts.map((host) => cleanHost(host, dryRun)))).flat();
    // And this machine's side of killed ssh runs: their copies of crashed nodes' logs.
    return [...onHosts, ...cleanWorkDirectories(dryRun, tmpdir(), MIRROR_KIND)];
  } finally {
    for (const host of hosts) host.connection.close();
  }
}

/** What one run left on the hosts (tests: nothing after teardown). */
export async function leftoversOfRun(target: SshTarget, runId: string): Promise<string[]> {
  const hosts = await connectHosts(target, undefined);
  try {
    const found: string[] = [];
    for (const host of hosts) {
      for (const { pid } of await killRunProcesses(host, runId, true)) found.push(`${host.name}: process ${pid}`);
      if ((await runsOn(host)).has(runId)) found.push(`${host.name}: directory ${REMOTE_BASE}/${runId}`);
      if (await hasPartitionChain(networkOf(host))) found.push(`${host.name}: iptables chain FAULTLINE`);
    }
    return found;
  } finally {
    for (const host of hosts) host.connection.close();
  }
}
