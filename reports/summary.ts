/**
 * The top of the run report: the verdict of each checker in words, what was
 * run (system, runtime, workload, nemesis, seed, bugs, versions, duration,
 * op counts) and the exact commands that run it again.
 */
import { verdictWord } from '../checkers/checker.js';
import { breaksPromise, describeExpected, describeJudgement, isExpectedViolation } from '../checkers/read-promises/index.js';
import { escapeHtml } from './html.js';
import { clip, type OperationCounts } from './operations.js';
import type { RunReportInput, StoredConfig } from './report-types.js';
import { statWords } from './stat-words.js';

/** Options `faultline test` has no flag for, with their defaults: a replay by flags must say when they differ. */
const OPTIONS_WITHOUT_FLAGS: Record<string, unknown> = { keys: 5, warmupSeconds: 2, recoverySeconds: 5 };

/** A word for the shell: bare when safe, else single-quoted. */
export function shellWord(value: unknown): string {
  const text = String(value);
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `npx faultline test ...` with every flag needed to run this config again. */
export function testCommand(config: StoredConfig): string {
  const flags: Array<[string, unknown]> = [
    ['system', config.system],
    ['runtime', config.runtime],
    ['workload', config.workload],
    ['nemesis', config.nemesis],
    ['nodes', config.nodes],
    ['concurrency', config.concurrency],
    ['rate', config.rate],
    ['time-limit', config.timeLimitSeconds],
    ['read-mode', config.readMode],
    ['max-active-faults', config.maxActiveFaults],
    ...(config.bugs ?? []).map((bug): [string, unknown] => ['bug', bug]),
    ['seed', config.seed],
  ];
  const words = flags.filter(([, value]) => value !== undefined && value !== null).map(([flag, value]) => `--${flag} ${shellWord(value)}`);
  return `npx faultline test ${words.join(' ')}`;
}

/** Options of this run that the test command cannot set by flag. */
export function unflaggedDifferences(config: StoredConfig): string[] {
  return Object.entries(OPTIONS_WITHOUT_FLAGS)
    .filter(([option, fallback]) => config[option] !== undefined && config[option] !== fallback)
    .map(([option]) => `${option} = ${String(config[option])}`);
}

function verdictBanner(input: RunReportInput): string {
  const results = input.results;
  const verdict = verdictWord(results?.valid);
  const failed = results === undefined ? [] : Object.entries(results.checkers).filter(([, result]) => breaksPromise(result));
  const expected = results === undefined ? [] : Object.entries(results.checkers).filter(([, result]) => isExpectedViolation(result));
  let words = expected.length === 0 ? 'every checker found the history valid' : `every promise the run's read mode makes was kept (${expected.map(([name]) => name).join(', ')} found what the mode allows: see below)`;
  if (results === undefined) words = 'the run has no results: it was not checked';
  else if (verdict === 'VIOLATION') words = `${failed.length === 1 ? 'a checker' : `${failed.length} checkers`} found a violation (${failed.map(([name]) => name).join(', ')})`;
  else if (verdict === 'unknown') words = 'no violation found, but at least one verdict is unknown';
  const incomplete = results?.incomplete === undefined ? '' : `<p class="incomplete">This run is incomplete: ${escapeHtml(results.incomplete)}</p>`;
  return `<div class="banner banner-${verdict.toLowerCase()}"><strong>${verdict}</strong> — ${escapeHtml(words)}</div>${incomplete}`;
}

function verdictTable(input: RunReportInput): string {
  const results = input.results;
  if (results === undefined) return '';
  const rows = Object.entries(results.checkers).map(([name, result]) => {
    const verdict = verdictWord(result.valid);
    let finding = result.valid === 'unknown' ? (result.reason ?? 'no reason given') : (result.sentence ?? (result.valid === true ? 'no anomaly found' : 'violation (see below)'));
    if (result.expectedUnder !== undefined) {
      const label = isExpectedViolation(result) ? describeExpected(result.expectedUnder, results.readMode) : `not promised by the run's read mode (${result.expectedUnder}), so not counted`;
      finding = `${label}. ${finding}`;
      const cell = isExpectedViolation(result) ? 'expected' : verdict.toLowerCase();
      return `<tr><td><code>${escapeHtml(name)}</code></td><td class="${cell}">${verdict}<div class="small">not counted</div></td><td>${escapeHtml(clip(finding, 900))}</td></tr>`;
    }
    const stats = Object.entries(result.stats ?? {}).slice(0, 8).map(([key, value]) => `${statWords(key)} ${String(value)}`).join(' · ');
    return `<tr><td><code>${escapeHtml(name)}</code></td><td class="${verdict.toLowerCase()}">${verdict}</td><td>${escapeHtml(clip(finding, 600))}<div class="muted small">${escapeHtml(clip(stats, 400))}</div></td></tr>`;
  });
  return `<table class="verdicts"><tr><th>checker</th><th>verdict</th><th>what it found</th></tr>${rows.join('')}</table>`;
}

export interface RunFacts {
  counts: OperationCounts;
  durationSeconds: number;
  faults: Record<string, number>;
}

function factsTable(input: RunReportInput, facts: RunFacts): string {
  const config = input.config;
  const { counts } = facts;
  const faults = Object.entries(facts.faults).map(([fault, count]) => `${count} ${fault}`).join(', ') || 'none';
  const versions = [`faultline ${config.version ?? '?'}`, `node ${input.environment.nodeVersion}`, ...Object.entries(input.environment.chartLibraries).map(([name, version]) => `${name} ${version}`)];
  const rows: Array<[string, unknown]> = [
    ['system', config.system],
    ['runtime', config.runtime],
    ['workload', config.workload],
    ['nemesis', `${config.nemesis ?? '?'} (at most ${config.maxActiveFaults ?? '?'} at once); faults injected: ${faults}`],
    ['seed', config.seed],
    ['bugs', (config.bugs ?? []).length === 0 ? 'none' : (config.bugs ?? []).join(', ')],
    ['cluster and load', `${config.nodes ?? '?'} nodes, ${config.concurrency ?? '?'} clients, ${config.rate ?? '?'} ops/s, ${config.keys ?? '?'} keys, read mode ${config.readMode ?? '?'}`],
    ['reads judged by', input.results?.readMode === undefined ? 'linearizability (the results do not record the read mode\'s promise)' : describeJudgement(input.results.readMode)],
    ['duration', `${facts.durationSeconds.toFixed(1)} s of history (time limit ${config.timeLimitSeconds ?? '?'} s after ${config.warmupSeconds ?? '?'} s warm-up, then ${config.recoverySeconds ?? '?'} s recovery)`],
    ['operations', `${counts.total} in all: ${counts.ok} ok, ${counts.fail} fail, ${counts.info} info${counts.open > 0 ? ` (${counts.open} never completed)` : ''}`],
    ...shrunkRow(config, counts.total),
    ['trace hash', input.traceHash ?? 'none (not a simulated run)'],
    ['versions', `${versions.join(', ')} (node and chart libraries: those that drew this report)`],
  ];
  return `<table class="facts">${rows.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value ?? '?')}</td></tr>`).join('')}</table>`;
}

/** A run made by faultline shrink says what it was shrunk from, so its reader knows the failure is the original's, made small. */
function shrunkRow(config: RunReportInput['config'], operations: number): Array<[string, unknown]> {
  const from = config.shrunkFrom;
  if (from === undefined) return [];
  const size = (operations: number, faults: number, seconds: unknown): string => `${operations.toLocaleString('en-US')} ops, ${faults} fault${faults === 1 ? '' : 's'}, ${String(seconds)} s`;
  const now = size(operations, (config.schedule ?? []).length, config.timeLimitSeconds);
  return [['shrunk from', `${from.run}: from ${size(from.operations, from.faults, from.timeLimitSeconds)} to ${now} in ${from.runs} runs (${from.steps.join('; ') || 'no change kept'})`]];
}

function commands(input: RunReportInput): string {
  const differences = unflaggedDifferences(input.config);
  const note = differences.length === 0 ? '' : `<p class="muted">The flags cannot set ${escapeHtml(differences.join(', '))}; replay uses the stored config and sets them.</p>`;
  return (
    '<h2>Run it again</h2>' +
    `<p>Replay this run from its stored config and seed (on the simulator the history must come out identical):</p><pre class="command">${escapeHtml(`npx faultline replay ${shellWord(input.directory)}`)}</pre>` +
    `<p>The same run as a fresh test:</p><pre class="command">${escapeHtml(testCommand(input.config))}</pre>${note}`
  );
}

function problemsList(problems: readonly string[]): string {
  if (problems.length === 0) return '';
  return `<div class="problems"><strong>Parts of this run are missing:</strong><ul>${problems.map((problem) => `<li>${escapeHtml(problem)}</li>`).join('')}</ul></div>`;
}

/** The summary section: banner, verdicts, facts, problems and commands. */
export function summarySection(input: RunReportInput, facts: RunFacts): string {
  return `<section id="summary">${verdictBanner(input)}${problemsList(input.problems)}<h2>Verdicts</h2>${verdictTable(input)}<h2>The run</h2>${factsTable(input, facts)}${commands(input)}</section>`;
}
