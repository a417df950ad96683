/**
 * A string key-value store with get, put and append, one register per key (the
 * checker splits the history by key). A missing key reads as "".
 */
import type { Operation } from '../../../common/history/types.js';
import {
  INVALID,
  describeValue,
  continueHashText,
  hashText,
  isUnobservedRead,
  type Model,
  type Lookahead,
  type ModelOptions,
  type PreparedOperation,
  type StepResult,
} from '../model.js';
import { badValue, unknownFunction } from './operation-errors.js';

const GET = 0;
const PUT = 1;
const APPEND = 2;

interface KvInput {
  kind: typeof GET | typeof PUT | typeof APPEND;
  value: string;
}

export function createKv(options: ModelOptions): Model<string, KvInput> {
  const initial = options.initial === undefined || options.initial === null ? '' : String(options.initial);
  return {
    name: 'kv',
    summary: 'string key-value store per key: get, put, append (a missing key reads as "")',
    init: () => initial,
    prepare(operation: Operation): KvInput | null {
      if (operation.status === 'fail') return null;
      switch (operation.f) {
        case 'get':
          if (operation.status === 'info' || isUnobservedRead(operation.output, options)) return null;
          return { kind: GET, value: asText(operation, operation.output) };
        case 'put':
          return { kind: PUT, value: asText(operation, operation.input) };
        case 'append':
          return { kind: APPEND, value: asText(operation, operation.input) };
        default:
          throw unknownFunction('kv', operation, ['get', 'put', 'append']);
      }
    },
    step(state: string, input: KvInput): StepResult<string> {
      if (input.kind === GET) return state === input.value ? state : INVALID;
      if (input.kind === PUT) return input.value;
      return state + input.value;
    },
    readOnly: (input) => input.kind === GET,
    lookahead: growingValueLookahead,
    lookaheadJudges: (input) => input.kind === GET,
    // A get far ahead can rule out a whole subtree at once (c50-bad), and the check is cheap.
    lookaheadEntries: 1024,
    lookaheadLazily: true,
    equal: (left, right) => left === right,
    hash: hashText,
    // A key's value grows by appends (to hundreds of characters): hashing only the appended text keeps a step O(append).
    hashAfter(stateHash: number, input: KvInput, nextState: string): number {
      if (input.kind === GET) return stateHash;
      return input.kind === PUT ? hashText(nextState) : continueHashText(stateHash, input.value);
    },
    describeOperation(operation: Operation): string {
      const key = operation.key === undefined ? '' : ` ${String(operation.key)}`;
      if (operation.f === 'get') {
        return operation.status === 'ok' ? `get${key} -> ${describeValue(operation.output)}` : `get${key}`;
      }
      return `${operation.f}${key} ${describeValue(operation.input)}`;
    },
    describeState: (state) => describeValue(state),
  };
}

/**
 * Between puts a key only grows, so a get must return an extension of the
 * current value unless a put not yet linearized, begun before the get ended,
 * wrote a prefix of what the get returned.
 */
function growingValueLookahead(operations: PreparedOperation<KvInput>[]): Lookahead<string, KvInput> {
  const puts: number[] = [];
  operations.forEach((prepared, index) => {
    if (prepared.input.kind === PUT) puts.push(index);
  });
  // Found when first asked: most gets extend the state and never need them.
  const resetters: (number[] | undefined)[] = new Array(operations.length);
  const resettersOf = (index: number): number[] => {
    const get = operations[index]!;
    const returnIndex = get.operation.returnIndex;
    const candidates = puts.filter((put) => {
      const prepared = operations[put]!;
      return prepared.operation.callIndex < returnIndex && get.input.value.startsWith(prepared.input.value);
    });
    resetters[index] = candidates;
    return candidates;
  };
  return (state, input, linearized, index) => {
    if (input.kind !== GET || input.value.startsWith(state)) return true;
    const candidates = resetters[index] ?? resettersOf(index);
    for (let position = 0; position < candidates.length; position++) if (!linearized.has(candidates[position]!)) return true;
    return false;
  };
}

function asText(operation: Operation, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') throw badValue('kv', operation, 'a string');
  return value;
}
