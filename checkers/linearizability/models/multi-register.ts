/**
 * Several registers read and written together in transactions, as Knossos'
 * multi-register: f "txn" with value [["read", k, v], ["write", k, v], ...].
 * A transaction is atomic: its reads see the state before its writes.
 */
import type { Operation } from '../../../common/history/types.js';
import {
  INVALID,
  describeValue,
  hashText,
  hashValue,
  isUnobservedRead,
  valuesEqual,
  type Model,
  type ModelOptions,
  type StepResult,
} from '../model.js';
import { badValue, unknownFunction } from './operation-errors.js';

interface MicroOperation {
  write: boolean;
  key: string;
  value: unknown;
}

type Registers = ReadonlyMap<string, unknown>;

export function createMultiRegister(options: ModelOptions): Model<Registers, MicroOperation[]> {
  const initial = toRegisters(options.initial);
  return {
    name: 'multi-register',
    summary: 'several registers in atomic transactions: txn [["read", k, v], ["write", k, v], ...]',
    init: () => initial,
    prepare(operation: Operation): MicroOperation[] | null {
      if (operation.status === 'fail') return null;
      if (operation.f !== 'txn') throw unknownFunction('multi-register', operation, ['txn']);
      const source = operation.status === 'ok' ? operation.output : operation.input;
      const micro = parseMicroOperations(operation, source);
      // An info transaction's reads observed nothing, nor, under Knossos' rules, does a nil read.
      if (operation.status !== 'ok') return micro.filter((step) => step.write);
      return micro.filter((step) => step.write || !isUnobservedRead(step.value, options));
    },
    step(state: Registers, micro: MicroOperation[]): StepResult<Registers> {
      let next: Map<string, unknown> | null = null;
      for (const step of micro) {
        if (!step.write) {
          if (!valuesEqual(state.get(step.key) ?? null, step.value)) return INVALID;
          continue;
        }
        next ??= new Map(state);
        next.set(step.key, step.value);
      }
      return next ?? state;
    },
    readOnly: (micro) => micro.every((step) => !step.write),
    equal: registersEqual,
    hash(state: Registers): number {
      let hash = 0;
      // Order-independent, so equal maps hash equal whatever their insertion order.
      for (const [key, value] of state) hash = (hash + Math.imul(hashText(key), 31) + hashValue(value)) | 0;
      return hash >>> 0;
    },
    describeOperation(operation: Operation): string {
      const source = operation.status === 'ok' ? operation.output : operation.input;
      const micro = Array.isArray(source) ? source : [];
      return `txn ${micro.map((step) => (Array.isArray(step) ? step.map(String).join(' ') : '?')).join(', ')}`;
    },
    describeState(state: Registers): string {
      const parts = [...state].map(([key, value]) => `${key}=${describeValue(value)}`);
      return `{${parts.join(', ')}}`;
    },
  };
}

function parseMicroOperations(operation: Operation, source: unknown): MicroOperation[] {
  if (!Array.isArray(source)) throw badValue('multi-register', operation, 'a list of [f, key, value]');
  return source.map((step: unknown) => {
    if (!Array.isArray(step) || step.length < 2 || (step[0] !== 'read' && step[0] !== 'write')) {
      throw badValue('multi-register', operation, '["read" | "write", key, value] steps');
    }
    return { write: step[0] === 'write', key: String(step[1]), value: step[2] ?? null };
  });
}

function toRegisters(initial: unknown): Registers {
  if (initial === undefined || initial === null) return new Map();
  if (typeof initial !== 'object') return new Map();
  return new Map(Object.entries(initial as Record<string, unknown>));
}

function registersEqual(left: Registers, right: Registers): boolean {
  if (left === right) return true;
  const keys = new Set([...left.keys(), ...right.keys()]);
  for (const key of keys) if (!valuesEqual(left.get(key) ?? null, right.get(key) ?? null)) return false;
  return true;
}
