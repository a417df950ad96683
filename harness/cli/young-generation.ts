/**
 * Reading a large history allocates millions of short-lived objects (one per
 * parsed line), and with V8's default young generation most of them survive a
 * scavenge or two before they die: on a million-operation history the
 * collector took about a fifth of `faultline check`. V8 fixes the young
 * generation's size when the process starts (v8.setFlagsFromString is too
 * late), so `faultline check` of a large history runs itself once more with a
 * larger one. Small histories run as they are: a second start-up would cost
 * more than it saves.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

/** Histories from this size on are checked in a process with larger semi-spaces. */
export const LARGE_HISTORY_BYTES = 48 * 1024 * 1024;
const SEMI_SPACE_FLAG = '--max-semi-space-size=64';
/** Set in the second process, so that it never starts a third. */
const MARKER = 'FAULTLINE_LARGE_YOUNG_GENERATION';

function sizeOf(path: string): number {
  try {
    const stats = statSync(path);
    if (stats.isFile()) return stats.size;
    return stats.isDirectory() ? sizeOf(join(path, 'history.jsonl')) : 0;
  } catch {
    // A path that is not there is the check command's to report.
    return 0;
  }
}

/** Whether these command-line arguments check a history large enough to pay for a second start. */
export function wantsLargerYoungGeneration(argumentsList: readonly string[], environment: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  if (argumentsList[0] !== 'check' || environment[MARKER] !== undefined) return false;
  if (execArgv.some((flag) => flag.startsWith('--max-semi-space-size'))) return false;
  return argumentsList.slice(1).some((argument) => !argument.startsWith('-') && sizeOf(argument) >= LARGE_HISTORY_BYTES);
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs this command line again in a process with larger semi-spaces, its
 * standard streams shared, and resolves to its exit code. A signal sent to
 * this process alone is passed on; a child killed by a signal gets the shell's
 * 128 + signal number.
 */
export function rerunWithLargerYoungGeneration(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, SEMI_SPACE_FLAG, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [MARKER]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const name of FORWARDED_SIGNALS) process.off(name, forward);
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal === null ? undefined : constants.signals[signal]) ?? 1;
}
