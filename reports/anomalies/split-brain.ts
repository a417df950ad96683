/**
 * Split brain explained: the two (or more) leaders' terms drawn on their
 * nodes' rows, the stretch where they overlapped marked, and the writes each
 * acknowledged as points on its row and in a table. When the checker lists
 * no writes (two leaders in one epoch), the checker's own leaderWrites finds
 * them, so the page counts writes as the verdict does.
 */
import { describeSplitBrain, leaderWrites, type AcknowledgedWrite, type SplitBrainAnomaly, type WritesWhileLeading } from '../../checkers/split-brain/index.js';
import type { CheckerInput } from '../../checkers/checker.js';
import { escapeHtml } from '../html.js';
import { timelineSpec, type TimelineBar, type TimelineMark } from '../charts/op-timeline.js';
import { compact } from '../operations.js';
import type { Section, StoredCheckerResult } from '../report-types.js';
import { elementId, MAX_ANOMALIES_DRAWN, moreNote, secondsText, sentenceCallout, table } from './common.js';

const MAX_WRITES_PER_LEADER = 20;

function isSplitBrain(value: unknown): value is SplitBrainAnomaly {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'same-epoch' || kind === 'both-acknowledged-writes';
}

/** Per leader, the writes to show: the checker's list, or for a same-epoch anomaly the writes the checker's rule finds. */
export function writesShown(anomaly: SplitBrainAnomaly, writesWhile: () => WritesWhileLeading): AcknowledgedWrite[][] {
  if (anomaly.kind === 'both-acknowledged-writes') return anomaly.writes.map((list) => list.slice(0, MAX_WRITES_PER_LEADER));
  return anomaly.leaders.map((leader) => writesWhile()(leader.node, leader.fromSeconds, leader.toSeconds).slice(0, MAX_WRITES_PER_LEADER));
}

function describeWrite(write: AcknowledgedWrite): string {
  return `${write.f}${write.key === undefined ? '' : ` ${String(write.key)}`} ${compact(write.value)} by process ${String(write.process)}`;
}

function oneAnomaly(name: string, anomaly: SplitBrainAnomaly, position: number, writesWhile: () => WritesWhileLeading, word: string, charts: Record<string, unknown>): string {
  const leaders = anomaly.leaders.slice(0, 6);
  const writes = writesShown(anomaly, writesWhile).slice(0, leaders.length);
  const window = anomaly.kind === 'both-acknowledged-writes' ? { from: anomaly.fromSeconds, to: anomaly.toSeconds } : { from: Math.max(...leaders.map((leader) => leader.fromSeconds)), to: Math.min(...leaders.map((leader) => leader.toSeconds)) };
  const bars: TimelineBar[] = leaders.map((leader) => ({
    row: leader.node,
    from: leader.fromSeconds,
    to: leader.toSeconds,
    category: 'leading',
    label: `leader, ${word} ${leader.epoch}`,
    detail: `${leader.node} led in ${word} ${leader.epoch} from ${secondsText(leader.fromSeconds)} to ${secondsText(leader.toSeconds)}`,
  }));
  const marks: TimelineMark[] = writes.flatMap((list) => list.map((write) => ({ row: write.node, t: write.returnSeconds, category: 'write acknowledged', detail: describeWrite(write) })));
  const id = elementId('anomaly', name, position);
  charts[id] = timelineSpec(bars, {
    rowTitle: 'node',
    categories: { domain: ['leading', 'write acknowledged'], range: ['#2ca02c', '#cf222e'] },
    legendTitle: 'what',
    highlights: window.to >= window.from ? [{ ...window, label: 'leaders at once' }] : [],
    marks,
  });
  const tables = leaders.map((leader, index) => {
    const rows = (writes[index] ?? []).map((write) => [describeWrite(write), secondsText(write.callSeconds), secondsText(write.returnSeconds)]);
    const caption = `Writes ${leader.node} (${word} ${leader.epoch}) acknowledged${anomaly.kind === 'both-acknowledged-writes' ? ` while both led (${anomaly.writeCounts[index]} in all)` : ' while it led'}`;
    return `<div><h4>${escapeHtml(caption)}</h4>${rows.length === 0 ? '<p class="muted">none recorded: the history does not name the node that served each op</p>' : table(['write', 'invoked', 'acknowledged'], rows)}</div>`;
  });
  return `${sentenceCallout(anomalySentence(anomaly))}<div class="chart anomaly-chart" id="${id}"></div><div class="side-by-side">${tables.join('')}</div>`;
}

function anomalySentence(anomaly: SplitBrainAnomaly): string {
  try {
    return describeSplitBrain(anomaly);
  } catch {
    // A hand-made results.json may lack the writes the checker's sentence quotes.
    return `${anomaly.leaders.map((leader) => leader.node).join(' and ')} were leader at once`;
  }
}

export function splitBrainView(name: string, result: StoredCheckerResult, input: CheckerInput, word: string): Section {
  const anomalies = result.anomalies.filter(isSplitBrain);
  const charts: Record<string, unknown> = {};
  const shown = anomalies.slice(0, MAX_ANOMALIES_DRAWN);
  let writes: WritesWhileLeading | undefined;
  // Attributing writes to nodes is a pass over the history: done once, and only when an anomaly needs it.
  const writesWhile = (): WritesWhileLeading => (writes ??= leaderWrites(input));
  const parts = shown.map((anomaly, position) => oneAnomaly(name, anomaly, position, writesWhile, word, charts));
  const intro = parts.length === 0 ? sentenceCallout(result.sentence) : '';
  return { html: `<h3>${escapeHtml(name)}</h3>${intro}${parts.join('<hr>')}${moreNote(anomalies.length, shown.length)}`, charts };
}
