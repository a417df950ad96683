/**
 * Whether a run's choices fit its system and runtime, as data: each misfit
 * is one sentence that says what does fit, so a run that cannot work is
 * refused before anything boots.
 */
import type { FaultAbility, RuntimeName } from '../harness/runtimes/index.js';
import type { System } from './index.js';

export interface RunChoices {
  runtime: { name: RuntimeName; faults: ReadonlySet<FaultAbility> };
  workload: string;
  readMode: string;
  /** The fault kinds the nemesis will use. */
  faults: readonly FaultAbility[];
  bugs: readonly string[];
}

export function fitProblems(system: System, choices: RunChoices): string[] {
  const problems: string[] = [];
  const runtime = choices.runtime.name;
  if (!system.runtimes.includes(runtime)) problems.push(`${system.name} does not run on the ${runtime} runtime; it runs on ${list(system.runtimes)}`);
  if (!(system.workloads as readonly string[]).includes(choices.workload)) problems.push(`${system.name} does not speak the ${choices.workload} workload; it speaks ${list(system.workloads)}`);
  const modes = system.readModes.map((mode) => mode.name);
  if (!modes.includes(choices.readMode)) problems.push(`${system.name} has no read mode "${choices.readMode}"; its read modes are ${list(modes)}`);
  for (const fault of choices.faults) {
    if (!choices.runtime.faults.has(fault)) problems.push(`the ${runtime} runtime cannot apply ${fault} faults; it can apply ${list([...choices.runtime.faults])}`);
    else if (fault === 'clock' && !system.clockFaultsOn.includes(runtime)) {
      const where = system.clockFaultsOn.length === 0 ? 'on no runtime' : `only on ${list(system.clockFaultsOn)}`;
      const why = system.clockFaultsNote === undefined ? '' : `: ${system.clockFaultsNote}`;
      problems.push(`${system.name}'s clocks cannot be skewed on the ${runtime} runtime (${where}${why}), so clock faults would not take effect; leave clock out of --nemesis`);
    }
  }
  for (const bug of choices.bugs) {
    if (!system.bugs.includes(bug)) problems.push(system.bugs.length === 0 ? `${system.name} has no planted bugs (--bug ${bug})` : `${system.name} has no bug "${bug}"; its bugs are ${list(system.bugs)}`);
  }
  return problems;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}
