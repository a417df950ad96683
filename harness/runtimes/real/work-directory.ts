/**
 * The temporary directories a real run keeps its nodes' data in
 * (<tmp>/faultline-run-XXXXXX/<node>), and the image build's scratch space.
 * Each holds an owner file (the faultline's pid and start time, as for
 * containers and namespaces), so `faultline clean` removes those of a killed
 * run and leaves alone a live run's and every directory that is not ours.
 */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RESOURCE_PREFIX } from './names.js';
import { currentOwner, ownerAlive, type Owner } from './owner.js';

/** Written right after the directory is made; a directory without it is never removed. */
export const WORK_OWNER_FILE = 'faultline-owner.json';
const MAX_ITEMS = 10_000;

/** A fresh directory under the OS temp folder (or parent), owned by this process. */
export function createWorkDirectory(kind = 'run', parent = tmpdir()): string {
  const directory = mkdtempSync(path.join(parent, `${RESOURCE_PREFIX}${kind}-`));
  writeFileSync(path.join(directory, WORK_OWNER_FILE), `${JSON.stringify(currentOwner())}\n`);
  return directory;
}

function ownerOf(directory: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path.join(directory, WORK_OWNER_FILE), 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.startTime === 'string' ? { pid: owner.pid, startTime: owner.startTime } : undefined;
  } catch {
    return undefined;
  }
}

/** Removes (or lists) the faultline-* directories (faultline-<kind>-* when kind is given) whose owner file names a process that is gone. */
export function cleanWorkDirectories(dryRun: boolean, parent = tmpdir(), kind?: string): string[] {
  const prefix = kind === undefined ? RESOURCE_PREFIX : `${RESOURCE_PREFIX}${kind}-`;
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(prefix)).slice(0, MAX_ITEMS);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const directory = path.join(parent, name);
    try {
      if (!lstatSync(directory).isDirectory()) continue;
    } catch {
      continue;
    }
    const owner = ownerOf(directory);
    if (owner === undefined || ownerAlive(owner)) continue;
    removed.push(`temporary directory ${directory} (its faultline, pid ${owner.pid}, is gone)`);
    if (!dryRun) rmSync(directory, { recursive: true, force: true });
  }
  return removed;
}
