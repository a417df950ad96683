/**
 * What the run report is drawn from: a run directory's files as DESIGN.md
 * names them, read loosely (a run cut short, or made by another tool, may
 * lack some), plus the versions of the tools that draw it.
 */
import type { CheckerResult, FinalStates, RoleSample, Verdict } from '../checkers/checker.js';
import type { ReadModeJudged } from '../checkers/read-promises/index.js';
import type { HistoryEvent } from '../common/history/types.js';
import type { RunConfig } from '../common/run-config.js';

/**
 * config.json as stored: the RunConfig, every field optional so a partial
 * config still renders, and names loose (a run made by another tool or an
 * older faultline may name systems and runtimes this one does not know).
 */
export type StoredConfig = LooseRunConfig & { [option: string]: unknown };

/** The RunConfig's fields, each optional, names as plain strings. */
export type LooseRunConfig = { [Option in keyof RunConfig]?: RunConfig[Option] extends string ? string : RunConfig[Option] };

/** A checker's entry in results.json: the common shape plus whatever the checker adds. */
export type StoredCheckerResult = CheckerResult & Record<string, unknown>;

/** results.json as the check stage writes it. */
export interface StoredResults {
  valid: Verdict;
  checkers: Record<string, StoredCheckerResult>;
  ops?: number;
  incomplete?: string;
  /** The read mode the run was judged by, and what it promises. */
  readMode?: ReadModeJudged;
}

export interface RunFiles {
  /** The run directory as the user named it, for the commands shown. */
  directory: string;
  config: StoredConfig;
  events: HistoryEvent[];
  results?: StoredResults;
  roles: RoleSample[];
  traceHash?: string;
  finalStates?: FinalStates;
  /** Files missing or unreadable, in plain words; the report shows them. */
  problems: string[];
}

export interface ReportEnvironment {
  /** Node.js that drew the report. */
  nodeVersion: string;
  /** vega, vega-lite, vega-embed versions inlined. */
  chartLibraries: Record<string, string>;
  /** ISO time the report was written; absent in tests that compare output. */
  generatedAt?: string;
}

export interface RunReportInput extends RunFiles {
  environment: ReportEnvironment;
}

/** An anomaly view or chart section: trusted markup plus the chart specs it places. */
export interface Section {
  html: string;
  charts: Record<string, unknown>;
}
