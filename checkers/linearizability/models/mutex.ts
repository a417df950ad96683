/**
 * A lock with acquire and release. Under faultline's semantics the state is
 * the holding process, so a release by a process that does not hold the lock
 * is not linearizable; under Knossos' the lock is only held or free, as
 * knossos.model's mutex (Jepsen gives a process a new number after an info
 * acquire, so the release may come from another number).
 */
import type { Operation, ProcessId } from '../../../common/history/types.js';
import { INVALID, hashValue, type Model, type ModelOptions, type StepResult } from '../model.js';
import { unknownFunction } from './operation-errors.js';

interface MutexInput {
  acquire: boolean;
  process: ProcessId;
}

type Holder = ProcessId | null;

/** The holder under Knossos' semantics, which do not say who holds the lock. */
const ANYONE = 'anyone';

export function createMutex(options: ModelOptions = {}): Model<Holder, MutexInput> {
  const ownerless = options.semantics === 'knossos';
  return {
    name: 'mutex',
    summary: 'a lock: acquire and release, by the holding process',
    init: () => null,
    prepare(operation: Operation): MutexInput | null {
      if (operation.status === 'fail') return null;
      if (operation.f !== 'acquire' && operation.f !== 'release') {
        throw unknownFunction('mutex', operation, ['acquire', 'release']);
      }
      return { acquire: operation.f === 'acquire', process: ownerless ? ANYONE : operation.process };
    },
    step(holder: Holder, input: MutexInput): StepResult<Holder> {
      if (input.acquire) return holder === null ? input.process : INVALID;
      return holder === input.process ? null : INVALID;
    },
    equal: (left, right) => left === right,
    hash: hashValue,
    describeOperation: (operation) => `${operation.f} by process ${String(operation.process)}`,
    describeState: (holder) => (holder === null ? 'free' : ownerless ? 'held' : `held by process ${String(holder)}`),
  };
}
