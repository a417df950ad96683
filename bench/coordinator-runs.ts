/**
 * What the benchmarks on the bundled coordinator share: their flags, and one
 * register run of either engine with the benchmark's own settings, which
 * fails loudly on an infrastructure error rather than measuring a broken run.
 */
import { resolveConfig, type RunConfig } from '../harness/run/config.js';
import { runTest, type TestRunOutcome } from '../harness/run/execute.js';

export type Engine = 'raft' | 'zab';

/** The value after `--name` in argv, or undefined. */
export function optionValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

/** Both engines, or the one --engine names. */
export function enginesFrom(argv: readonly string[]): Engine[] {
  const named = optionValue(argv, '--engine');
  return named === undefined ? ['raft', 'zab'] : [named as Engine];
}

export async function runCoordinator(engine: Engine, seed: number, settings: Partial<RunConfig>): Promise<TestRunOutcome> {
  const config = resolveConfig('bench', seed, { system: engine === 'raft' ? 'coordinator-raft' : 'coordinator-zab', workload: 'register', concurrency: 10, ...settings });
  const outcome = await runTest(config, new Date(), () => {});
  if (outcome.report.infrastructureError !== undefined) throw new Error(outcome.report.infrastructureError);
  return outcome;
}
