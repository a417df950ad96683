/**
 * Typed errors for user mistakes: bad flags, bad config, malformed input files,
 * faults a runtime cannot perform. The CLI turns them into one clear message
 * (what, where, how to fix) and an exit code; it never prints their stack.
 * Programmer errors are assertions (node:assert) instead, and keep their stacks.
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_HISTORY'
  | 'E_INPUT'
  | 'E_UNSUPPORTED'
  | 'E_INFRASTRUCTURE';

export interface ErrorDetails {
  /** Where the mistake is: "file:line", a flag name, a config key. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
}

export class FaultlineError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'FaultlineError';
    this.code = code;
    this.where = details.where;
    this.hint = details.hint;
  }

  /** One line for people: "where: what (hint)". */
  describe(): string {
    const where = this.where === undefined ? '' : `${this.where}: `;
    const hint = this.hint === undefined ? '' : `\n  ${this.hint}`;
    return `${where}${this.message}${hint}`;
  }
}

/** A malformed or inconsistent history file. */
export class HistoryError extends FaultlineError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_HISTORY', message, details);
    this.name = 'HistoryError';
  }
}

/** A flag or argument the CLI cannot accept. */
export class UsageError extends FaultlineError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_USAGE', message, details);
    this.name = 'UsageError';
  }
}

export function isFaultlineError(error: unknown): error is FaultlineError {
  return error instanceof FaultlineError;
}
