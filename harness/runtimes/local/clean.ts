/**
 * `faultline clean` for the local runtime: network namespaces named
 * faultline-*, interfaces named flt<hash>-*, FORWARD rules commented
 * faultline:<run>, the processes still running in those namespaces, and stale
 * run records. Whatever belongs to a run whose faultline still lives is left alone.
 */
import { readFileSync } from 'node:fs';
import { tryCommand } from '../real/host-commands.js';
import { FORWARD_COMMENT_PREFIX, INTERFACE_PATTERN, RESOURCE_PREFIX } from '../real/names.js';
import { ownerAlive, readRunRecords, removeRunRecord } from '../real/owner.js';
import { namespacePids } from './network.js';

const MAX_ITEMS = 10_000;

interface LiveRuns {
  runIds: string[];
  hashes: Set<string>;
}

function liveRuns(dryRun: boolean, removed: string[]): LiveRuns {
  const runIds: string[] = [];
  const hashes = new Set<string>();
  for (const record of readRunRecords()) {
    if (ownerAlive(record)) {
      runIds.push(record.runId);
      hashes.add(record.hash);
    } else {
      if (!dryRun) removeRunRecord(record.runId);
      removed.push(`run record of ${record.runId} (its faultline, pid ${record.pid}, is gone)`);
    }
  }
  return { runIds, hashes };
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
  } catch {
    return '?';
  }
}

async function cleanNamespaces(live: LiveRuns, dryRun: boolean, removed: string[]): Promise<void> {
  const listing = await tryCommand('ip', ['netns', 'list']);
  const namespaces = listing.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(RESOURCE_PREFIX))
    .slice(0, MAX_ITEMS);
  for (const namespace of namespaces) {
    if (live.runIds.some((runId) => namespace.startsWith(`${RESOURCE_PREFIX}${runId}-`))) continue;
    for (const pid of await namespacePids(namespace)) {
      removed.push(`process ${pid} in ${namespace}: ${commandLine(pid)}`);
      if (!dryRun) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    }
    removed.push(`network namespace ${namespace}`);
    if (!dryRun) await tryCommand('ip', ['netns', 'del', namespace]);
  }
}

async function cleanInterfaces(live: LiveRuns, dryRun: boolean, removed: string[]): Promise<void> {
  const links = JSON.parse((await tryCommand('ip', ['-j', 'link'])).stdout || '[]') as { ifname: string }[];
  const ours = links
    .map((link) => link.ifname.split('@')[0] ?? '')
    .filter((name) => INTERFACE_PATTERN.test(name) && !live.hashes.has(name.slice(3, 9)))
    .sort((first, second) => Number(second.endsWith('-br')) - Number(first.endsWith('-br')))
    .slice(0, MAX_ITEMS);
  for (const name of ours) {
    // A veth goes by itself once its peer's namespace is deleted: report only what this removed.
    if (dryRun || (await tryCommand('ip', ['link', 'del', name])).exitCode === 0) removed.push(`interface ${name}`);
  }
}

async function cleanForwardRules(live: LiveRuns, dryRun: boolean, removed: string[]): Promise<void> {
  const listing = await tryCommand('iptables', ['-w', '-S', 'FORWARD']);
  if (listing.exitCode !== 0) return;
  for (const line of listing.stdout.split('\n').slice(0, MAX_ITEMS)) {
    const match = new RegExp(`--comment "?${FORWARD_COMMENT_PREFIX}([^" ]+)`).exec(line);
    if (match === null || !line.startsWith('-A FORWARD ')) continue;
    if (live.runIds.includes(match[1] as string)) continue;
    removed.push(`iptables rule: ${line}`);
    if (!dryRun) await tryCommand('iptables', ['-w', '-D', ...line.slice(3).split(' ').map((word) => word.replace(/^"|"$/g, ''))]);
  }
}

export async function cleanLocal(dryRun: boolean): Promise<string[]> {
  // Without root there is nothing of ours to see (the local runtime needs root to create any of it).
  if (process.getuid?.() !== 0) return [];
  const removed: string[] = [];
  const live = liveRuns(dryRun, removed);
  await cleanNamespaces(live, dryRun, removed);
  await cleanInterfaces(live, dryRun, removed);
  await cleanForwardRules(live, dryRun, removed);
  return removed;
}
