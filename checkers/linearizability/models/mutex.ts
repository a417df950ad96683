/**
 * A lock with acquire and release. The state is the holding process, so a
 * release by a process that does not hold the lock is not linearizable.
 */
import type { Operation, ProcessId } from '../../../common/history/types.js';
import { INVALID, hashValue, type Model, type StepResult } from '../model.js';
import { unknownFunction } from './operation-errors.js';

interface MutexInput {
  acquire: boolean;
  process: ProcessId;
}

type Holder = ProcessId | null;

export function createMutex(): Model<Holder, MutexInput> {
  return {
    name: 'mutex',
    summary: 'a lock: acquire and release, by the holding process',
    init: () => null,
    prepare(operation: Operation): MutexInput | null {
      if (operation.status === 'fail') return null;
      if (operation.f !== 'acquire' && operation.f !== 'release') {
        throw unknownFunction('mutex', operation, ['acquire', 'release']);
      }
      return { acquire: operation.f === 'acquire', process: operation.process };
    },
    step(holder: Holder, input: MutexInput): StepResult<Holder> {
      if (input.acquire) return holder === null ? input.process : INVALID;
      return holder === input.process ? null : INVALID;
    },
    equal: (left, right) => left === right,
    hash: hashValue,
    describeOperation: (operation) => `${operation.f} by process ${String(operation.process)}`,
    describeState: (holder) => (holder === null ? 'free' : `held by process ${String(holder)}`),
  };
}
