/**
 * The run's read mode and what it promises, from the system's description:
 * the data the checkers judge register reads by (they never look a system
 * up). A stored run whose system or mode this build does not know is judged
 * by linearizability, the strongest promise, and says so.
 */
import { systemNamed } from '../../clusters/index.js';
import type { ReadModeJudged } from '../../checkers/read-promises/index.js';
import type { RunConfig } from './config.js';

export function readModeJudged(config: Pick<RunConfig, 'system' | 'readMode'>): ReadModeJudged {
  let modes;
  try {
    modes = systemNamed(config.system).readModes;
  } catch {
    const name = config.readMode ?? 'unknown';
    return { name, promises: 'linearizable', note: `the system "${String(config.system)}" is unknown to this faultline, so what read mode ${name} promises is unknown: judged by linearizability` };
  }
  // Runs recorded before read modes were stored used the system's default.
  const mode = config.readMode === undefined ? modes[0] : modes.find((candidate) => candidate.name === config.readMode);
  if (mode === undefined) {
    return { name: config.readMode, promises: 'linearizable', note: `${config.system} has no read mode "${config.readMode}" in this faultline: judged by linearizability` };
  }
  return { name: mode.name, promises: mode.promises, summary: mode.summary };
}
