/**
 * The check stage: reads a run directory's history, roles and final states,
 * runs the workload's checkers, and writes results.json. Used at the end of
 * `faultline test` and by `faultline check <run-dir>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combineVerdicts, type CheckerInput, type CheckerResult, type FinalStates, type RoleSample, type Verdict } from '../../checkers/checker.js';
import type { FinalEphemerals } from '../../checkers/ephemerals/index.js';
import { runNamedChecker, type CheckLimits } from '../../checkers/registry.js';
import { markExpected, planForPromise, type ReadModeJudged } from '../../checkers/read-promises/index.js';
import { HistoryError } from '../../common/errors.js';
import { pairEvents, readHistory, type CutLine, type HistoryEvent } from '../../common/history/index.js';
import { FILES } from './run-store.js';
import { CRASHES_FILE, type NodeCrash } from './crashes.js';

export const FINAL_STATES_FILE = 'final-states.json';
/** Each node's ephemerals and live sessions after recovery, when the system can read them. */
export const FINAL_EPHEMERALS_FILE = 'final-ephemerals.json';

export interface RunResults {
  valid: Verdict;
  /** One entry per checker, by name. */
  checkers: Record<string, CheckerResult>;
  ops: number;
  /** Set when the run itself was cut short (Ctrl-C, a crash): the verdict is then at best unknown. */
  incomplete?: string;
  /** The read mode the run was judged by: what it promises decides which checkers count. */
  readMode?: ReadModeJudged;
}

export interface LoadedRun {
  input: CheckerInput;
  /** Set when a file's last line was cut short (the run was killed mid-write): what was dropped, and where. */
  cut?: string;
}

export async function loadCheckerInput(runDirectory: string): Promise<LoadedRun> {
  const events: HistoryEvent[] = [];
  const cuts: string[] = [];
  const onCut = (cut: CutLine): void => void cuts.push(cut.message);
  for await (const event of readHistory(join(runDirectory, FILES.history), { onCut })) events.push(event);
  const { operations } = pairEvents(events);
  const input: CheckerInput = { operations, events };
  const rolesFile = join(runDirectory, FILES.roles);
  if (existsSync(rolesFile)) input.roles = readRoleSamples(rolesFile, cuts);
  const finalStatesFile = join(runDirectory, FINAL_STATES_FILE);
  if (existsSync(finalStatesFile)) input.finalStates = JSON.parse(readFileSync(finalStatesFile, 'utf8')) as FinalStates;
  const ephemeralsFile = join(runDirectory, FINAL_EPHEMERALS_FILE);
  if (existsSync(ephemeralsFile)) input.finalEphemerals = JSON.parse(readFileSync(ephemeralsFile, 'utf8')) as FinalEphemerals;
  const crashesFile = join(runDirectory, CRASHES_FILE);
  if (existsSync(crashesFile)) input.crashes = JSON.parse(readFileSync(crashesFile, 'utf8')) as NodeCrash[];
  return cuts.length === 0 ? { input } : { input, cut: cuts.join('; ') };
}

/** Role samples, one JSON object a line; a last line cut short by a kill is dropped and told. */
function readRoleSamples(file: string, cuts: string[]): RoleSample[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const samples: RoleSample[] = [];
  for (let line = 0; line < lines.length; line++) {
    const row = lines[line]!;
    if (row.trim() === '') continue;
    try {
      samples.push(JSON.parse(row) as RoleSample);
    } catch (error) {
      if (line !== lines.length - 1) throw new HistoryError(`not JSON: ${(error as Error).message}`, { where: `${file}:${line + 1}`, hint: 'roles.jsonl holds one role sample object per line' });
      cuts.push(`${file}:${line + 1}: the last line is cut short, as a process killed while writing leaves it; role samples judged up to line ${line}`);
    }
  }
  return samples;
}

/**
 * Runs the workload's checkers; with a read mode, the checkers of what it
 * promises join them, and a stronger property it does not promise is kept
 * but marked expected, so it does not count (checkers/read-promises).
 */
export function runCheckers(input: CheckerInput, checkerNames: readonly string[], limits: CheckLimits, incomplete?: string, readMode?: ReadModeJudged): RunResults {
  const plan = planForPromise(checkerNames, readMode?.promises ?? 'linearizable');
  let checkers: Record<string, CheckerResult> = {};
  for (const name of plan.checkers) checkers[name] = runNamedChecker(name, input, limits);
  // A run records crashes.json only when a node crashed; the crash check then judges it, whatever the workload.
  if (input.crashes !== undefined && !checkerNames.includes('crash')) checkers['crash'] = runNamedChecker('crash', input, limits);
  if (readMode !== undefined) checkers = markExpected(checkers, plan, readMode.promises);
  let valid = combineVerdicts(Object.values(checkers));
  if (incomplete !== undefined && valid === true) valid = 'unknown';
  return { valid, checkers, ops: input.operations.length, ...(incomplete === undefined ? {} : { incomplete }), ...(readMode === undefined ? {} : { readMode }) };
}
