/**
 * A sweep's violations, grouped: runs of one system whose checker found an
 * anomaly of the same shape (reports/anomaly-shapes.ts: the checker's own
 * words, without the run's particulars) are one group, shown once with the
 * smallest seed that shows it, so a person reads a few distinct failures
 * instead of hundreds of runs. Checkers that could not decide are grouped
 * the same way, by system and checker.
 */
import { shapesOf } from './anomaly-shapes.js';
import { escapeHtml } from './html.js';
import { runLink, type StoredRun } from './index-runs.js';

export interface ViolationGroup {
  system: string;
  checker: string;
  /** The anomaly's shape, or "could not decide" for unknown verdicts. */
  shape: string;
  verdict: false | 'unknown';
  /** Every run in the group, smallest seed first. */
  runs: StoredRun[];
  /** The smallest seed's sentence for this shape. */
  sentence: string;
  workloads: string[];
  nemeses: string[];
}

/** Seeds listed per group on the page; the rest are counted. */
const SEEDS_SHOWN = 12;
export const UNDECIDED_SHAPE = 'could not decide';

function seedOf(run: StoredRun): number {
  const seed = run.config?.seed;
  return seed === undefined || Number.isNaN(seed) ? Number.POSITIVE_INFINITY : seed;
}

interface Finding {
  checker: string;
  shape: string;
  verdict: false | 'unknown';
  sentence: string;
}

function findingsOf(run: StoredRun): Finding[] {
  const findings: Finding[] = [];
  for (const [checker, result] of Object.entries(run.results?.checkers ?? {})) {
    if (result.valid === 'unknown') findings.push({ checker, shape: UNDECIDED_SHAPE, verdict: 'unknown', sentence: result.reason ?? '' });
    if (result.valid !== false) continue;
    for (const shaped of shapesOf(checker, result.raw.anomalies, result.sentence ?? '')) findings.push({ checker, verdict: false, ...shaped });
  }
  return findings;
}

/** Groups, violations first, then the most runs first; every run of a group is counted once. */
export function groupViolations(runs: readonly StoredRun[]): ViolationGroup[] {
  const groups = new Map<string, ViolationGroup>();
  const bySeed = [...runs].sort((left, right) => seedOf(left) - seedOf(right) || left.id.localeCompare(right.id));
  for (const run of bySeed) {
    const system = run.config?.system ?? '?';
    for (const finding of findingsOf(run)) {
      const key = JSON.stringify([system, finding.checker, finding.shape]);
      let group = groups.get(key);
      if (group === undefined) {
        group = { system, checker: finding.checker, shape: finding.shape, verdict: finding.verdict, runs: [], sentence: finding.sentence, workloads: [], nemeses: [] };
        groups.set(key, group);
      }
      if (group.runs.at(-1) === run) continue;
      group.runs.push(run);
      addOnce(group.workloads, run.config?.workload);
      addOnce(group.nemeses, run.config?.nemesis);
    }
  }
  const rank = (group: ViolationGroup): number => (group.verdict === false ? 0 : 1);
  return [...groups.values()].sort((left, right) => rank(left) - rank(right) || right.runs.length - left.runs.length || left.checker.localeCompare(right.checker));
}

function addOnce(list: string[], value: string | undefined): void {
  if (value !== undefined && !list.includes(value)) list.push(value);
}

function seedList(group: ViolationGroup): string {
  const seeds = group.runs.map((run) => String(run.config?.seed ?? '?'));
  const more = seeds.length > SEEDS_SHOWN ? ` and ${seeds.length - SEEDS_SHOWN} more` : '';
  return `${seeds.slice(0, SEEDS_SHOWN).join(', ')}${more}`;
}

function groupRow(group: ViolationGroup, pageDirectory: string): string {
  const first = group.runs[0] as StoredRun;
  const verdict = group.verdict === false ? '<span class="violation">VIOLATION</span>' : '<span class="unknown">unknown</span>';
  return `<tr><td class="name">${escapeHtml(group.system)}</td><td class="checker">${escapeHtml(group.checker)}: ${verdict}</td>
<td>${escapeHtml(group.shape)}<span class="sentence">seed ${escapeHtml(first.config?.seed ?? '?')}: ${escapeHtml(group.sentence)}</span></td>
<td class="number">${group.runs.length}</td><td><a href="${escapeHtml(runLink(pageDirectory, first))}">seed ${escapeHtml(first.config?.seed ?? '?')}</a></td>
<td class="seeds">${escapeHtml(seedList(group))}<div class="muted">${escapeHtml(group.workloads.join(', '))} · ${escapeHtml(group.nemeses.join(', '))}</div></td></tr>`;
}

/** The page's section of distinct failures (empty groups: one line saying so). */
export function violationGroupsSection(groups: readonly ViolationGroup[], pageDirectory: string): string {
  const heading = '<h2>Distinct failures</h2>';
  if (groups.length === 0) return `${heading}<p class="muted">No checker found a violation or gave up in these runs.</p>`;
  const violations = groups.filter((group) => group.verdict === false).length;
  const intro = `<p>${violations} distinct violation${violations === 1 ? '' : 's'}${groups.length > violations ? ` and ${groups.length - violations} kind${groups.length - violations === 1 ? '' : 's'} of undecided check` : ''}: runs of one system whose checker found the same shape of anomaly, each shown by its smallest seed.</p>`;
  return `${heading}${intro}<table id="groups"><thead><tr><th>system</th><th>checker</th><th>shape, and the smallest seed's anomaly</th><th>runs</th>
<th>smallest seed</th><th>seeds · workloads · nemeses</th></tr></thead><tbody>${groups.map((group) => groupRow(group, pageDirectory)).join('\n')}</tbody></table>`;
}
