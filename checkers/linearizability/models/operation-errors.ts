import { HistoryError } from '../../../common/errors.js';
import type { Operation } from '../../../common/history/types.js';

/** Where an operation sits in its history, for messages. */
export function locate(operation: Operation): string {
  return `event ${operation.callIndex} (process ${String(operation.process)})`;
}

export function unknownFunction(model: string, operation: Operation, known: string[]): HistoryError {
  return new HistoryError(`the ${model} model has no operation "${operation.f}"`, {
    where: locate(operation),
    hint: `the ${model} model understands ${known.join(', ')}; choose a model that fits the history with --model`,
  });
}

export function badValue(model: string, operation: Operation, expected: string): HistoryError {
  return new HistoryError(
    `the ${model} model expects ${expected} for "${operation.f}", got ${JSON.stringify(operation.input)}`,
    { where: locate(operation), hint: 'check that --model matches the history' },
  );
}
