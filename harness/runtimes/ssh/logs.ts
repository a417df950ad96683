/**
 * Node logs on SSH hosts: every *.log file in a node's data directory,
 * fetched into the run directory at the end (the last 32 MiB of each, as on
 * the other real runtimes), and the ends of node.log and process.log copied
 * next to the harness when a node is found down, so its crash can be read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RealNodeInfo } from '../real/types.js';
import { quote, type SshHost } from './host.js';

const MAX_LOG_BYTES = 32 * 1024 * 1024;
const MAX_LOG_FILES_PER_NODE = 100;
const CRASH_TAIL_BYTES = 64 * 1024;
const LOG_FETCH_TIMEOUT_MS = 60_000;

type RemoteNode = RealNodeInfo & { host: SshHost };

async function logNames(node: RemoteNode): Promise<string[]> {
  const listing = await node.host.tryRun(`cd ${quote(node.dataDirectory)} 2>/dev/null && for f in *.log; do [ -f "$f" ] && echo "$f"; done; true`);
  return listing.stdout.split('\n').filter((name) => name.endsWith('.log')).sort().slice(0, MAX_LOG_FILES_PER_NODE);
}

async function tail(node: RemoteNode, fileName: string, bytes: number): Promise<string> {
  const result = await node.host.tryRun(`tail -c ${bytes} ${quote(`${node.dataDirectory}/${fileName}`)}`, { maxOutputBytes: bytes, timeoutMs: LOG_FETCH_TIMEOUT_MS });
  return result.exitCode === 0 ? result.stdout : '';
}

export async function fetchLogs(node: RemoteNode, write: (fileName: string, text: string) => void): Promise<void> {
  for (const fileName of await logNames(node)) write(fileName, await tail(node, fileName, MAX_LOG_BYTES));
}

/** Copies the ends of the node's logs into localDirectory (what the crash watch reads). */
export async function mirrorCrashLogs(node: RemoteNode, localDirectory: string): Promise<void> {
  mkdirSync(localDirectory, { recursive: true });
  for (const fileName of ['node.log', 'process.log']) writeFileSync(path.join(localDirectory, fileName), await tail(node, fileName, CRASH_TAIL_BYTES));
}
