/**
 * Who owns a run's resources: the faultline process (pid and its start time,
 * so a reused pid is not mistaken for it). `faultline clean` leaves alone what
 * a live faultline still uses, so it never breaks a run in progress. Docker
 * resources carry the owner in labels; local ones in a small file under
 * /run/faultline/runs (written before the first resource, removed after the last).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processStatFields } from './node-files.js';

export const OWNER_DIRECTORY = '/run/faultline/runs';

export interface Owner {
  pid: number;
  startTime: string;
}

/** The kernel's start time of a process (clock ticks since boot), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  return processStatFields(pid)?.[19];
}

export function currentOwner(): Owner {
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? '' };
}

/** Alive: the same process (pid and start time) still runs; a zombie counts as gone. */
export function ownerAlive(owner: Owner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  const fields = processStatFields(owner.pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[0] !== 'X' && fields[19] === owner.startTime;
}

export interface LocalRunRecord extends Owner {
  runId: string;
  hash: string;
}

function recordPath(runId: string): string {
  return path.join(OWNER_DIRECTORY, `${runId}.json`);
}

export function writeRunRecord(record: LocalRunRecord): void {
  mkdirSync(OWNER_DIRECTORY, { recursive: true });
  writeFileSync(recordPath(record.runId), `${JSON.stringify(record)}\n`);
}

export function removeRunRecord(runId: string): void {
  rmSync(recordPath(runId), { force: true });
}

/** Every local run record; unreadable ones are skipped (their resources then count as leftovers). */
export function readRunRecords(): LocalRunRecord[] {
  let names: string[];
  try {
    names = readdirSync(OWNER_DIRECTORY).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const records: LocalRunRecord[] = [];
  for (const name of names.slice(0, 10_000)) {
    try {
      records.push(JSON.parse(readFileSync(path.join(OWNER_DIRECTORY, name), 'utf8')) as LocalRunRecord);
    } catch {
      // A half-written record: its run is not alive enough to protect.
    }
  }
  return records;
}
