/** What the bug benchmarks share: each planted bug's own run settings (its workload, nemesis, read mode), as bugs.ts names them. */
import type { BugMode } from '../clusters/coordinator/bugs.js';
import type { RunConfig } from '../harness/run/config.js';

export const BUG_TIME_LIMIT_SECONDS = 30;

export function bugRunSettings(bug: BugMode): Partial<RunConfig> {
  const extra = bug as BugMode & Partial<Pick<RunConfig, 'readMode' | 'maxActiveFaults'>>;
  const partition = bug.partitionTargets === undefined ? {} : { nemesisOptions: { partition: { targets: [...bug.partitionTargets] } } };
  return {
    workload: bug.workload as RunConfig['workload'],
    nemesis: bug.nemesis,
    bugs: [bug.name],
    timeLimitSeconds: BUG_TIME_LIMIT_SECONDS,
    ...(extra.readMode === undefined ? {} : { readMode: extra.readMode }),
    ...(extra.maxActiveFaults === undefined ? {} : { maxActiveFaults: extra.maxActiveFaults }),
    ...(bug.nodes === undefined ? {} : { nodes: bug.nodes }),
    ...partition,
  };
}
