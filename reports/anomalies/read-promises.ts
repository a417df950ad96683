/**
 * The read-mode promises in the report: reads that broke what a sequential
 * or serializable read mode promises (each in its checker's own words), and
 * the findings a run's read mode allows, under a label that says so, apart
 * from the violations.
 */
import {
  describeBackInTime,
  describeExpected,
  describeInventedValue,
  describeSteps,
  type BackInTime,
  type InventedValue,
  type ReadModeJudged,
} from '../../checkers/read-promises/index.js';
import type { ReadPromise } from '../../checkers/checker.js';
import { escapeHtml } from '../html.js';
import type { Section, StoredCheckerResult } from '../report-types.js';
import { moreNote, secondsText, sentenceCallout, table } from './common.js';

const MAX_ROWS = 50;

function isBackInTime(value: unknown): value is BackInTime {
  const candidate = value as Partial<BackInTime> | null;
  return (candidate?.kind === 'back-in-time' || candidate?.kind === 'own-write-unseen') && typeof candidate.read === 'object' && typeof candidate.seen === 'object';
}

function isInventedValue(value: unknown): value is InventedValue {
  return (value as Partial<InventedValue> | null)?.kind === 'invented-value';
}

/** Stale reads a sequential read mode forbids: what the client had seen, what it read, and why that is older. */
export function sequentialReadsView(name: string, result: StoredCheckerResult): Section {
  const anomalies = result.anomalies.filter(isBackInTime);
  const rows = anomalies.slice(0, MAX_ROWS).map((anomaly) => [
    `process ${String(anomaly.process)}`,
    anomaly.key ?? '',
    `${anomaly.seen.how} ${anomaly.seen.value} at ${secondsText(anomaly.seen.at.seconds)}`,
    `read ${anomaly.read.value} at ${secondsText(anomaly.read.at.seconds)}`,
    describeSteps(anomaly.steps),
  ]);
  const first = anomalies[0];
  const html =
    `<h3>${escapeHtml(name)}</h3>${sentenceCallout(first === undefined ? result.sentence : describeBackInTime(first))}` +
    '<p class="muted">Each row is a read that returned a value certainly older than one the same client (process) had already read or written on that key: the last column says why it is older.</p>' +
    table(['client', 'key', 'had seen', 'then', 'why the read is older'], rows) +
    moreNote(anomalies.length, rows.length);
  return { html, charts: {} };
}

/** Reads of values no op that may have happened wrote. */
export function writtenValuesView(name: string, result: StoredCheckerResult): Section {
  const anomalies = result.anomalies.filter(isInventedValue);
  const rows = anomalies.slice(0, MAX_ROWS).map((anomaly) => [`process ${String(anomaly.process)}`, anomaly.key ?? '', anomaly.value, secondsText(anomaly.at.seconds), describeInventedValue(anomaly)]);
  const html = `<h3>${escapeHtml(name)}</h3>${sentenceCallout(result.sentence)}${table(['client', 'key', 'value read', 'at', 'in words'], rows)}${moreNote(anomalies.length, rows.length)}`;
  return { html, charts: {} };
}

/** The label above a finding the run's read mode allows. */
export function expectedLabel(promise: ReadPromise, readMode: ReadModeJudged | undefined): string {
  return `<p class="expected-label">${escapeHtml(describeExpected(promise, readMode))}.</p>`;
}
