/**
 * Host-side files of real nodes: data directories, the process log a node's
 * output goes to, collecting *.log files after a run, and reading a process's
 * state from /proc to verify kills and pauses.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readFileTail } from '../../../common/file-tail.js';
import type { RealNodeInfo } from './types.js';

export const PROCESS_LOG = 'process.log';
/** Larger logs are cut to their last part: reports show the end of a run. */
const MAX_LOG_BYTES = 32 * 1024 * 1024;
const MAX_LOG_FILES_PER_NODE = 100;

export function makeDataDirectory(workDirectory: string, node: string): string {
  const directory = path.resolve(workDirectory, node);
  mkdirSync(directory, { recursive: true });
  return directory;
}

export function collectNodeLogs(nodes: readonly RealNodeInfo[], write: (node: string, fileName: string, text: string) => void): void {
  for (const node of nodes) {
    let names: string[];
    try {
      names = readdirSync(node.dataDirectory).filter((name) => name.endsWith('.log')).sort();
    } catch {
      continue;
    }
    for (const name of names.slice(0, MAX_LOG_FILES_PER_NODE)) {
      const file = path.join(node.dataDirectory, name);
      if (!statSync(file).isFile()) continue;
      const text = readFileSync(file);
      write(node.name, name, text.subarray(Math.max(0, text.length - MAX_LOG_BYTES)).toString('utf8'));
    }
  }
}

/**
 * The fields of /proc/<pid>/stat after the command name, numbered from the
 * state (field 3 in proc(5)) at index 0; undefined when the process is gone.
 */
export function processStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The one-letter state of a process (R, S, D, T, Z, ...), or undefined when it is gone. */
export function processState(pid: number): string | undefined {
  return processStatFields(pid)?.[0];
}

export function processAlive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** At most this much of a node file is read back: the end of a log, or a whole small file. */
export const MAX_NODE_FILE_READ_BYTES = 1024 * 1024;

/** An absolute path inside the node's data directory (a mistake in a system, not a user's). */
export function checkedNodeFile(dataDirectory: string, file: string): string {
  const resolved = path.posix.resolve(file);
  assert.ok(resolved.startsWith(`${path.posix.resolve(dataDirectory)}/`), `${file} is not inside the node's data directory ${dataDirectory}`);
  return resolved;
}

export function writeNodeFile(dataDirectory: string, file: string, contents: string): void {
  const resolved = checkedNodeFile(dataDirectory, file);
  mkdirSync(path.dirname(resolved), { recursive: true });
  writeFileSync(resolved, contents);
}

export function readNodeFile(dataDirectory: string, file: string): string | undefined {
  return readFileTail(checkedNodeFile(dataDirectory, file), MAX_NODE_FILE_READ_BYTES);
}

export { readFileTail };
