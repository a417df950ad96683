/**
 * The CLI's top: a user mistake becomes one clear message and exit code 3 (or
 * 4 for infrastructure); anything else is a bug in faultline and keeps its stack.
 */
import { isFaultlineError } from '../../common/errors.js';
import { EXIT_INFRASTRUCTURE, EXIT_USAGE } from './exit-codes.js';

export function reportError(error: unknown, write: (text: string) => void): number {
  if (isFaultlineError(error)) {
    write(`faultline: ${error.describe()}\n`);
    return error.code === 'E_INFRASTRUCTURE' ? EXIT_INFRASTRUCTURE : EXIT_USAGE;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  write(`faultline: internal error (please report it with the command you ran):\n${text}\n`);
  return EXIT_INFRASTRUCTURE;
}
