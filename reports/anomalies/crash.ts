/**
 * Node crashes explained: which node died, when and with what error (in the
 * crash checker's words), its stack, and the last lines it logged before.
 */
import { describeCrash, type NodeCrash } from '../../checkers/crash/index.js';
import { escapeHtml } from '../html.js';
import { clip } from '../operations.js';
import type { Section, StoredCheckerResult } from '../report-types.js';
import { MAX_ANOMALIES_DRAWN, moreNote, secondsText, sentenceCallout, table } from './common.js';

const MAX_STACK_CHARS = 4000;

function isNodeCrash(value: unknown): value is NodeCrash {
  const crash = value as Partial<NodeCrash> | null;
  return typeof crash?.node === 'string' && typeof crash.message === 'string' && typeof crash.time === 'number';
}

function crashDetail(crash: NodeCrash): string {
  const stack = crash.stack === undefined ? '<p class="muted">No stack was recorded.</p>' : `<p>Stack:</p><pre>${escapeHtml(clip(crash.stack, MAX_STACK_CHARS))}</pre>`;
  const tail = crash.logTail === undefined || crash.logTail.length === 0 ? '' : `<p>The last lines ${escapeHtml(crash.node)} logged:</p><pre>${escapeHtml(clip(crash.logTail.join('\n'), MAX_STACK_CHARS))}</pre>`;
  return `<p>${escapeHtml(describeCrash(crash))}</p>${stack}${tail}`;
}

export function crashView(name: string, result: StoredCheckerResult): Section {
  const crashes = result.anomalies.filter(isNodeCrash);
  const rows = crashes.map((crash) => [name, crash.node, secondsText(crash.time / 1e9), crash.message]);
  const drawn = crashes.slice(0, MAX_ANOMALIES_DRAWN);
  const html =
    `<h3>${escapeHtml(name)}: a node crashed</h3>${sentenceCallout(result.sentence)}` +
    '<p>A server that dies by itself under faults has a bug, whatever the other checkers say; operations in flight when it died count as unknown (info).</p>' +
    table(['checker', 'node', 'time', 'message'], rows) +
    drawn.map(crashDetail).join('') +
    moreNote(crashes.length, drawn.length, 'crashes');
  return { html, charts: {} };
}
