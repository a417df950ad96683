/** The counterexample of a violation, in a form a person (or the report) can follow. */
import type { Operation } from '../../common/history/types.js';
import type { Model, PreparedOperation } from './model.js';
import type { SearchFailure } from './search.js';
import type { Explanation } from './explain.js';

export interface OperationView {
  id: number;
  process: number | string;
  f: string;
  key?: string;
  description: string;
  status: Operation['status'];
  callIndex: number;
  /** null when the operation never completed (info). */
  returnIndex: number | null;
  /** Seconds since run start, when the history has times. */
  callSeconds?: number;
  returnSeconds?: number;
}

export interface Counterexample {
  key: string | null;
  sentence: string;
  /** The sentence without the run's particulars (linearizabilityShape reads it). */
  shape?: string;
  /** The operation that cannot be linearized (the one the sentence is about). */
  operation: OperationView;
  /** Operations in flight, not yet linearized, when the search got stuck. */
  concurrent: OperationView[];
  /** The longest linearizable prefix: its length and its last operations. */
  prefixLength: number;
  prefixTail: OperationView[];
  stateAfterPrefix: string;
}

const PREFIX_TAIL_LENGTH = 10;
const CONCURRENT_SHOWN = 20;

export function viewOperation(model: Model<unknown, unknown>, operation: Operation): OperationView {
  return {
    id: operation.id,
    process: operation.process,
    f: operation.f,
    ...(operation.key === undefined ? {} : { key: String(operation.key) }),
    description: model.describeOperation(operation),
    status: operation.status,
    callIndex: operation.callIndex,
    returnIndex: operation.returnIndex === Infinity ? null : operation.returnIndex,
    ...(operation.callTime === undefined ? {} : { callSeconds: operation.callTime / 1e9 }),
    ...(operation.returnTime === undefined ? {} : { returnSeconds: operation.returnTime / 1e9 }),
  };
}

export function toCounterexample(
  model: Model<unknown, unknown>,
  key: string | null,
  prepared: PreparedOperation<unknown>[],
  failure: SearchFailure,
  explanation: Explanation,
  blamed: number,
): Counterexample {
  const view = (index: number) => viewOperation(model, prepared[index]!.operation);
  const concurrent = failure.pending.filter((index) => index !== blamed).slice(0, CONCURRENT_SHOWN);
  return {
    key,
    sentence: explanation.sentence,
    shape: explanation.shape,
    operation: view(blamed),
    concurrent: concurrent.map(view),
    prefixLength: failure.prefix.length,
    prefixTail: failure.prefix.slice(-PREFIX_TAIL_LENGTH).map(view),
    stateAfterPrefix: model.describeState(failure.state),
  };
}

/**
 * What kind of violation a counterexample shows, without the run's
 * particulars: the same for every seed that fails the same way. A stored
 * counterexample from before shapes were recorded gives its operation's function.
 */
export function linearizabilityShape(example: Pick<Counterexample, 'shape'> & { operation?: Pick<OperationView, 'f'> }): string {
  return example.shape ?? `${example.operation?.f ?? 'an operation'} that cannot be linearized`;
}
