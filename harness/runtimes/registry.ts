/**
 * The runtimes' registry: one line per runtime. Descriptions are data (config
 * checks read them); each runtime's code loads when a run boots it.
 */
import { FaultlineError } from '../../common/errors.js';
import { dockerRuntime } from './docker/runtime.js';
import type { Runtime } from './index.js';
import { localRuntime } from './local/runtime.js';
import { simRuntime } from './sim/runtime.js';
import { sshRuntime } from './ssh/runtime.js';

const RUNTIMES: readonly Runtime[] = [simRuntime, dockerRuntime, localRuntime, sshRuntime];

export const RUNTIME_NAMES: readonly string[] = RUNTIMES.map((runtime) => runtime.name);

export function runtimeNamed(name: string): Runtime {
  const runtime = RUNTIMES.find((candidate) => candidate.name === name);
  if (runtime === undefined) throw new FaultlineError('E_USAGE', `there is no runtime named "${name}"`, { hint: `choose from: ${RUNTIME_NAMES.join(', ')}` });
  return runtime;
}
