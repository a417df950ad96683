/**
 * JUnit XML for CI from stored runs: one <testsuite> per run (its seed, run
 * directory and config as <properties>), one <testcase> per checker, named
 * "<checker> seed=<n>" in class "faultline.<system>.<workload>.<nemesis>".
 * A violation is a <failure> of type VIOLATION (the word the CLI prints)
 * with the checker's sentence and the report's path. An unknown verdict is
 * an <error>, not <skipped>: CI tools show skipped tests as neutral, but
 * unknown exits 2 and fails the job, so it must show red too. A run cut short (or with no results.json) adds a
 * "run" test case with an <error>. Every value is escaped, and characters
 * XML 1.0 forbids are replaced, so any sentence gives well-formed XML.
 */
import { breaksPromise } from '../checkers/read-promises/index.js';
import { verdictWord } from '../checkers/checker.js';
import { writeFileAtomically } from '../common/atomic-file.js';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { FaultlineError } from '../common/errors.js';
import { REPORT_FILE, type StoredRun } from './index-runs.js';

export interface JunitOptions {
  /** The <testsuites> name. */
  name?: string;
  /** Paths in the XML are written relative to this directory when under it (the CI checkout); absolute otherwise. */
  pathBase?: string;
}

const MAX_MESSAGE_CHARS = 1000;
const MAX_TEXT_CHARS = 20_000;

/** Characters XML 1.0 does not allow, and lone surrogates, become U+FFFD. */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', "'": '&apos;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;' };

function clean(value: unknown, maxChars: number): string {
  const text = String(value).replace(FORBIDDEN, '\uFFFD');
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

export function xmlText(value: unknown, maxChars = MAX_TEXT_CHARS): string {
  return clean(value, maxChars).replace(/[&<>]/g, (character) => TEXT_ESCAPES[character]!);
}

export function xmlAttribute(value: unknown, maxChars = MAX_MESSAGE_CHARS): string {
  return clean(value, maxChars).replace(/[&<>"'\n\r\t]/g, (character) => ATTRIBUTE_ESCAPES[character]!);
}

function attributes(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${xmlAttribute(value)}"`)
    .join('');
}

function seconds(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '0' : Math.max(0, value).toFixed(3);
}

function shownPath(path: string, pathBase: string | undefined): string {
  if (pathBase === undefined) return path;
  const inside = relative(pathBase, path);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

interface Case {
  name: string;
  timeSeconds?: number;
  /** failure (violation) or error (unknown, incomplete), with a message and a longer text. */
  outcome?: { element: 'failure' | 'error'; type: string; message: string; text: string };
}

function casesOf(run: StoredRun, reportPath: string): Case[] {
  const seed = run.config?.seed ?? '?';
  const cases: Case[] = [];
  const incomplete = run.results === undefined ? run.problem : run.results.incomplete;
  if (incomplete !== undefined) {
    const text = `${incomplete}\nrun: ${reportPath}`;
    cases.push({ name: `run seed=${seed}`, outcome: { element: 'error', type: 'incomplete', message: incomplete, text } });
  }
  for (const [name, checker] of Object.entries(run.results?.checkers ?? {})) {
    const checkMs = checker.stats.checkMs;
    const testCase: Case = { name: `${name} seed=${seed}`, ...(typeof checkMs === 'number' ? { timeSeconds: checkMs / 1000 } : {}) };
    // A violation the run's read mode allows is reported as passing with a note, not as a failure.
    if (breaksPromise(checker)) {
      const sentence = checker.sentence ?? `${name} found a violation`;
      testCase.outcome = { element: 'failure', type: verdictWord(false), message: sentence, text: `${verdictWord(false)}: ${sentence}\nreport: ${reportPath}` };
    } else if (checker.valid === 'unknown' && checker.expectedUnder === undefined) {
      const reason = checker.reason ?? `${name} could not decide`;
      testCase.outcome = { element: 'error', type: verdictWord('unknown'), message: reason, text: `${verdictWord('unknown')}: ${reason}\nreport: ${reportPath}` };
    }
    cases.push(testCase);
  }
  return cases;
}

/** Dots separate the class path in CI tools, so the parts keep none of their own (commas become +). */
function classPart(value: string | undefined): string {
  return (value ?? 'unknown').replace(/[.\s]+/g, '_').replace(/,/g, '+');
}

function suiteOf(run: StoredRun, options: JunitOptions): { xml: string; tests: number; failures: number; errors: number } {
  const config = run.config;
  const classname = ['faultline', classPart(config?.system), classPart(config?.workload), classPart(config?.nemesis)].join('.');
  const reportPath = shownPath(join(run.directory, REPORT_FILE), options.pathBase);
  const cases = casesOf(run, reportPath);
  const failures = cases.filter((testCase) => testCase.outcome?.element === 'failure').length;
  const errors = cases.filter((testCase) => testCase.outcome?.element === 'error').length;
  const properties = {
    seed: config?.seed ?? '?',
    run: shownPath(run.directory, options.pathBase),
    system: config?.system ?? '?',
    workload: config?.workload ?? '?',
    nemesis: config?.nemesis ?? '?',
    runtime: config?.runtime ?? '?',
    ...(config !== undefined && config.bugs.length > 0 ? { bugs: config.bugs.join(',') } : {}),
  };
  const lines = [
    `  <testsuite${attributes({ name: run.id, tests: cases.length, failures, errors, skipped: 0, time: seconds(run.wallSeconds), timestamp: run.startedAt.replace(/Z$/, '') })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attributes({ name, value })}/>`),
    '    </properties>',
  ];
  for (const testCase of cases) {
    const head = `    <testcase${attributes({ classname, name: testCase.name, time: seconds(testCase.timeSeconds) })}`;
    const outcome = testCase.outcome;
    if (outcome === undefined) {
      lines.push(`${head}/>`);
      continue;
    }
    lines.push(`${head}>`, `      <${outcome.element}${attributes({ message: outcome.message, type: outcome.type })}>${xmlText(outcome.text)}</${outcome.element}>`, '    </testcase>');
  }
  lines.push('  </testsuite>');
  return { xml: lines.join('\n'), tests: cases.length, failures, errors };
}

/** The whole JUnit document for the given runs. */
export function junitXml(runs: readonly StoredRun[], options: JunitOptions = {}): string {
  const suites = runs.map((run) => suiteOf(run, options));
  const total = (field: 'tests' | 'failures' | 'errors'): number => suites.reduce((sum, suite) => sum + suite[field], 0);
  const time = runs.reduce((sum, run) => sum + (run.wallSeconds ?? 0), 0);
  const head = `<testsuites${attributes({ name: options.name ?? 'faultline', tests: total('tests'), failures: total('failures'), errors: total('errors'), skipped: 0, time: seconds(time) })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites.map((suite) => suite.xml), '</testsuites>', ''].join('\n');
}

/** Writes the document (through a temporary file), creating the file's folder; paths are relative to the working directory. */
export function writeJunitFile(file: string, runs: readonly StoredRun[], options: JunitOptions = {}): void {
  const path = resolve(file);
  try {
    writeFileAtomically(path, junitXml(runs, { pathBase: process.cwd(), ...options }));
  } catch (error) {
    throw new FaultlineError('E_CONFIG', `cannot write the JUnit file (${(error as Error).message})`, { where: file, hint: 'choose a writable path with --junit' });
  }
}
