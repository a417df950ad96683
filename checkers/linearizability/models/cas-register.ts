/**
 * A single register with read, write and compare-and-set, like an etcd key or
 * a znode's data with a version check. `register` is the same without cas.
 */
import type { Operation } from '../../../common/history/types.js';
import {
  INVALID,
  describeValue,
  hashValue,
  isUnobservedRead,
  valuesEqual,
  type Model,
  type Lookahead,
  type ModelOptions,
  type PreparedOperation,
  type StepResult,
} from '../model.js';
import { badValue, unknownFunction } from './operation-errors.js';

const READ = 0;
const WRITE = 1;
const CAS = 2;

export interface RegisterInput {
  kind: typeof READ | typeof WRITE | typeof CAS;
  /** Read result or written value; for cas, the new value. */
  value: unknown;
  /** For cas, the expected value. */
  from: unknown;
}

type RegisterState = unknown;

export function createCasRegister(options: ModelOptions, allowCas = true): Model<RegisterState, RegisterInput> {
  const name = allowCas ? 'cas-register' : 'register';
  const known = allowCas ? ['read', 'write', 'cas'] : ['read', 'write'];
  const initial = options.initial ?? null;
  return {
    name,
    summary: allowCas
      ? 'one register: read, write, cas [from, to] (etcd keys, znode data with versions)'
      : 'one register: read and write',
    init: () => initial,
    prepare(operation: Operation): RegisterInput | null {
      if (operation.status === 'fail') return null;
      switch (operation.f) {
        case 'read':
          // A read that may not have happened observes nothing; neither does a nil read under Knossos' rules.
          if (operation.status === 'info' || isUnobservedRead(operation.output, options)) return null;
          return { kind: READ, value: operation.output ?? null, from: null };
        case 'write':
          return { kind: WRITE, value: operation.input ?? null, from: null };
        case 'cas': {
          if (!allowCas) throw unknownFunction(name, operation, known);
          const pair = operation.input;
          if (!Array.isArray(pair) || pair.length !== 2) throw badValue(name, operation, 'a [from, to] pair');
          return { kind: CAS, value: pair[1] ?? null, from: pair[0] ?? null };
        }
        default:
          throw unknownFunction(name, operation, known);
      }
    },
    step(state: RegisterState, input: RegisterInput): StepResult<RegisterState> {
      if (input.kind === WRITE) return input.value;
      if (input.kind === READ) return valuesEqual(state, input.value) ? state : INVALID;
      return valuesEqual(state, input.from) ? input.value : INVALID;
    },
    readOnly: (input) => input.kind === READ,
    lookahead: writerLookahead,
    lookaheadJudges: (input) => input.kind !== WRITE,
    equal: valuesEqual,
    hash: hashValue,
    prune: pruneUnobservedWrites,
    describeOperation: describeRegisterOperation,
    describeState: (state) => describeValue(state),
  };
}

/**
 * An info write (or cas) of a value that no read returns and no cas expects
 * can be dropped: once it takes effect, anything after it that observes the
 * register would have to see that value, so only a later write can follow it,
 * exactly as if it had never happened.
 */
function pruneUnobservedWrites(operations: PreparedOperation<RegisterInput>[]): PreparedOperation<RegisterInput>[] {
  const observed = new Set<string>();
  for (const prepared of operations) {
    const input = prepared.input;
    if (input.kind === READ) observed.add(JSON.stringify(input.value ?? null));
    if (input.kind === CAS) observed.add(JSON.stringify(input.from ?? null));
  }
  return operations.filter(
    (prepared) =>
      prepared.outputKnown || prepared.input.kind === READ || observed.has(JSON.stringify(prepared.input.value ?? null)),
  );
}

/**
 * A read of v (or a cas expecting v) can only be placed when the register
 * holds v: now, or after some write of v that is not yet linearized and began
 * before the read ended.
 */
function writerLookahead(operations: PreparedOperation<RegisterInput>[]): Lookahead<RegisterState, RegisterInput> {
  const writersByValue = new Map<string, number[]>();
  operations.forEach((prepared, index) => {
    if (prepared.input.kind === READ) return;
    const value = JSON.stringify(prepared.input.value ?? null);
    const writers = writersByValue.get(value);
    if (writers === undefined) writersByValue.set(value, [index]);
    else writers.push(index);
  });
  const candidates = new Map<RegisterInput, number[]>();
  for (const prepared of operations) {
    const input = prepared.input;
    if (input.kind === WRITE || !prepared.outputKnown) continue;
    const needed = input.kind === READ ? input.value : input.from;
    const writers = writersByValue.get(JSON.stringify(needed ?? null)) ?? [];
    const returnIndex = prepared.operation.returnIndex;
    candidates.set(input, writers.filter((index) => operations[index]!.operation.callIndex < returnIndex));
  }
  return (state, input, linearized) => {
    if (input.kind === WRITE) return true;
    if (valuesEqual(state, input.kind === READ ? input.value : input.from)) return true;
    const writers = candidates.get(input);
    if (writers === undefined) return true;
    for (let index = 0; index < writers.length; index++) if (!linearized.has(writers[index]!)) return true;
    return false;
  };
}

export function describeRegisterOperation(operation: Operation): string {
  const key = operation.key === undefined ? '' : ` ${String(operation.key)}`;
  switch (operation.f) {
    case 'read':
      return operation.status === 'ok' ? `read${key} -> ${describeValue(operation.output)}` : `read${key}`;
    case 'write':
      return `write${key} ${describeValue(operation.input)}`;
    case 'cas': {
      const pair = Array.isArray(operation.input) ? operation.input : [undefined, undefined];
      return `cas${key} ${describeValue(pair[0])} -> ${describeValue(pair[1])}`;
    }
    default:
      return `${operation.f}${key} ${describeValue(operation.input)}`;
  }
}
