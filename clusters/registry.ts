/**
 * The systems' registry: one line per system. A system's description is
 * plain data, so config checks read it without loading its code; setup()
 * loads the rest when a run starts.
 */
import { FaultlineError } from '../common/errors.js';
import { coordinatorSystem } from './coordinator/system.js';
import { etcdSystem } from './etcd/system.js';
import type { System } from './index.js';
import { zookeeperSystem } from './zookeeper/system.js';

const SYSTEMS: readonly System[] = [coordinatorSystem('raft'), coordinatorSystem('zab'), zookeeperSystem, etcdSystem];

export const SYSTEM_NAMES: readonly string[] = SYSTEMS.map((system) => system.name);

export function systemNamed(name: string): System {
  const system = SYSTEMS.find((candidate) => candidate.name === name);
  if (system === undefined) throw new FaultlineError('E_USAGE', `there is no system named "${name}"`, { hint: `choose from: ${SYSTEM_NAMES.join(', ')}` });
  return system;
}
