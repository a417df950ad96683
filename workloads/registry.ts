/** The workload registry: `--workload <name>` picks one of these. Add a workload here and its name in names.ts. */
import { UsageError } from '../common/errors.js';
import type { Workload } from './index.js';
import { WORKLOAD_NAMES, type WorkloadName } from './names.js';
import { lockFencingWorkload, lockWorkload } from './lock.js';
import { registerWorkload } from './register.js';
import { sequenceWorkload } from './sequence.js';

export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  register: registerWorkload,
  lock: lockWorkload,
  'lock-fencing': lockFencingWorkload,
  sequence: sequenceWorkload,
};

export function workloadNamed(name: string, where = '--workload'): Workload {
  if (!Object.hasOwn(WORKLOADS, name)) {
    throw new UsageError(`unknown workload "${name}"`, {
      where,
      hint: `choose one of: ${WORKLOAD_NAMES.join(', ')}`,
    });
  }
  return WORKLOADS[name as WorkloadName];
}
