/** `faultline systems`: every system and runtime, with what each supports, from their registries. */
import type { CommandModule } from 'yargs';
import { SYSTEM_NAMES, systemNamed, type System } from '../../../clusters/index.js';
import { RUNTIME_NAMES, runtimeNamed } from '../../runtimes/index.js';

interface SystemsArguments {
  json: boolean;
}

export const systemsCommand: CommandModule<object, SystemsArguments> = {
  command: 'systems',
  describe: 'List the systems under test and the runtimes, with the workloads, read modes and faults each supports',
  builder: (yargs) => yargs.option('json', { type: 'boolean', default: false, describe: 'one JSON object per line' }).strict(),
  handler: (argv) => {
    const systems = SYSTEM_NAMES.map(systemNamed);
    const runtimes = RUNTIME_NAMES.map(runtimeNamed);
    if (argv.json) {
      for (const system of systems) process.stdout.write(`${JSON.stringify({ kind: 'system', ...describeSystem(system) })}\n`);
      for (const runtime of runtimes) process.stdout.write(`${JSON.stringify({ kind: 'runtime', name: runtime.name, summary: runtime.summary, faults: [...runtime.faults] })}\n`);
      return;
    }
    for (const system of systems) process.stdout.write(systemLines(system));
    process.stdout.write('runtimes:\n');
    for (const runtime of runtimes) process.stdout.write(`  ${runtime.name.padEnd(7)} ${runtime.summary}; faults: ${[...runtime.faults].join(', ')}\n`);
  },
};

function describeSystem(system: System): Record<string, unknown> {
  const { name, summary, runtimes, workloads, readModes, clockFaultsOn, bugs } = system;
  return { name, summary, runtimes, workloads, readModes, clockFaultsOn, bugs };
}

function systemLines(system: System): string {
  const modes = system.readModes.map((mode, index) => `    ${mode.name}${index === 0 ? ' (default)' : ''}: promises ${mode.promises}; ${mode.summary}`);
  return [
    `${system.name}: ${system.summary}`,
    `  runtimes: ${system.runtimes.join(', ')}; clock faults on: ${system.clockFaultsOn.join(', ') || 'none'}`,
    `  workloads: ${system.workloads.join(', ')}`,
    '  read modes:',
    ...modes,
    ...(system.bugs.length === 0 ? [] : [`  bugs (--bug): ${system.bugs.length}, see faultline bugs`]),
    '',
  ].join('\n') + '\n';
}
