/**
 * What the benchmarks on real systems share: their flags, the systems to
 * measure (every registered system that runs on the runtime, or those
 * --systems names), and one register run with the benchmark's own settings,
 * which fails loudly on an infrastructure error rather than measuring a
 * broken run.
 */
import { SYSTEM_NAMES, systemNamed } from '../clusters/index.js';
import { resolveConfig, type RunConfig } from '../harness/run/config.js';
import { runTest, type TestRunOutcome } from '../harness/run/execute.js';

/** The value after `--name` in argv, or undefined. */
export function optionValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

/** The systems --systems names (a comma list), or every registered one that runs on the runtime; `--engine raft` still means coordinator-raft. */
export function systemsFrom(argv: readonly string[], runtime: string): string[] {
  const engine = optionValue(argv, '--engine');
  const named = optionValue(argv, '--systems')?.split(',') ?? (engine === undefined ? undefined : [`coordinator-${engine}`]);
  const systems = named ?? [...SYSTEM_NAMES];
  return systems.filter((name) => systemNamed(name).runtimes.includes(runtime as RunConfig['runtime']));
}

export async function runSystem(system: string, seed: number, settings: Partial<RunConfig>): Promise<TestRunOutcome> {
  const config = resolveConfig('bench', seed, { system, workload: 'register', concurrency: 10, ...settings });
  const outcome = await runTest(config, new Date(), () => {});
  if (outcome.report.infrastructureError !== undefined) throw new Error(`${system} on ${config.runtime}: ${outcome.report.infrastructureError}`);
  return outcome;
}
