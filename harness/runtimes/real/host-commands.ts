/**
 * Host commands (ip, iptables, nsenter) for the real runtimes: every call has
 * a timeout, and a failure becomes an infrastructure error that names the
 * command and what it printed.
 */
import { execa } from 'execa';
import { FaultlineError } from '../../../common/errors.js';

export const COMMAND_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_CHARS = 600;

export interface CommandOptions {
  timeoutMs?: number;
  input?: string;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; any exit code is returned, only a failure to run or a timeout throws. */
export async function tryCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const result = await execa(command, args, {
    reject: false,
    timeout: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    stripFinalNewline: true,
  });
  if (result.timedOut) throw infrastructureError(command, args, `timed out after ${options.timeoutMs ?? COMMAND_TIMEOUT_MS} ms`);
  if (result.exitCode === undefined) throw infrastructureError(command, args, result.shortMessage ?? 'did not run');
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs a command that must succeed; returns its stdout. */
export async function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<string> {
  const result = await tryCommand(command, args, options);
  if (result.exitCode !== 0) {
    throw infrastructureError(command, args, `exit code ${result.exitCode}: ${(result.stderr || result.stdout).slice(0, MAX_OUTPUT_CHARS)}`);
  }
  return result.stdout;
}

function infrastructureError(command: string, args: readonly string[], what: string): FaultlineError {
  const line = [command, ...args].join(' ');
  return new FaultlineError('E_INFRASTRUCTURE', `${line.slice(0, 200)} failed: ${what}`);
}

/** Rejects with an infrastructure error when work outlasts timeoutMs. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new FaultlineError('E_INFRASTRUCTURE', `${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls check every intervalMs until it returns true; false when timeoutMs passes first. */
export async function pollUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
