/**
 * A schedule given as data, checked before the run: every entry's fields,
 * the nodes it names, its place inside the faults phase, and no two faults
 * on one resource at once (a kill and a pause of one node would undo each
 * other). Each mistake names its entry: `schedule[2].durationMs ...`.
 */
import { UsageError } from '../common/errors.js';
import type { FaultKind } from './index.js';
import { RESOURCE_OF, type ScheduledFault } from './scripted.js';
import { FAULT_KINDS } from './spec.js';
import { CLOCK_CHANGES, NODE_TARGETS, SCHEDULED_PARTITION_TARGETS } from './targets.js';

/** A schedule longer than this is a mistake, not a test. */
export const MAX_SCHEDULED_FAULTS = 10_000;

export interface ScheduleWindow {
  nodes: readonly string[];
  /** Faults may start from here (the end of warm-up)... */
  fromMs: number;
  /** ...and must have stopped by here (the time limit). */
  untilMs: number;
}

const EXAMPLE = '[{ "atMs": 5000, "kind": "partition", "durationMs": 3000, "value": { "target": "custom", "groups": [["n1"], ["n2", "n3"]] } }]';

export function checkSchedule(input: unknown, window: ScheduleWindow, where = 'schedule'): ScheduledFault[] {
  if (!Array.isArray(input)) throw new UsageError('must be a list of faults', { where, hint: `e.g. ${EXAMPLE}` });
  if (input.length > MAX_SCHEDULED_FAULTS) throw new UsageError(`has ${input.length} faults; at most ${MAX_SCHEDULED_FAULTS}`, { where });
  const faults = input.map((entry, index) => checkEntry(entry, window, `${where}[${index}]`));
  checkOverlaps(faults, where);
  return faults;
}

function checkEntry(entry: unknown, window: ScheduleWindow, where: string): ScheduledFault {
  const record = entry as Record<string, unknown> | null;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new UsageError('must be an object with atMs, kind, durationMs and value', { where, hint: `e.g. ${EXAMPLE}` });
  const extra = Object.keys(record).filter((key) => !['atMs', 'kind', 'durationMs', 'value'].includes(key));
  if (extra.length > 0) throw new UsageError(`has unknown field "${extra[0]}"`, { where, hint: 'a fault has atMs, kind, durationMs and value' });
  const { atMs, kind, durationMs, value } = record;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`kind must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`, { where });
  if (typeof atMs !== 'number' || !Number.isInteger(atMs) || atMs < window.fromMs) {
    throw new UsageError(`atMs must be whole milliseconds from ${window.fromMs} (the end of warm-up), got ${JSON.stringify(atMs)}`, { where });
  }
  if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs < 1) throw new UsageError(`durationMs must be whole milliseconds of at least 1, got ${JSON.stringify(durationMs)}`, { where });
  if (atMs + durationMs > window.untilMs) {
    throw new UsageError(`ends at ${atMs + durationMs} ms, after the faults phase ends at ${window.untilMs} ms (warm-up plus time limit)`, { where, hint: 'shorten it, start it earlier, or raise the time limit' });
  }
  const plan = value === undefined ? {} : value;
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) throw new UsageError('value must be an object (the fault\'s plan, as the history records it)', { where: `${where}.value` });
  checkPlan(kind as FaultKind, plan as Record<string, unknown>, window.nodes, `${where}.value`);
  return { atMs, kind: kind as FaultKind, durationMs, value: plan as ScheduledFault['value'] };
}

function checkPlan(kind: FaultKind, plan: Record<string, unknown>, nodes: readonly string[], where: string): void {
  const targets: readonly string[] = kind === 'partition' ? SCHEDULED_PARTITION_TARGETS : kind === 'clock' ? [] : NODE_TARGETS;
  if (plan['target'] !== undefined && !targets.includes(String(plan['target']))) throw new UsageError(`target must be one of ${targets.join(', ') || '(none for clock faults)'}, got ${JSON.stringify(plan['target'])}`, { where });
  if (kind === 'clock' && plan['change'] !== undefined && !CLOCK_CHANGES.includes(plan['change'] as never)) throw new UsageError(`change must be one of ${CLOCK_CHANGES.join(', ')}`, { where });
  const named = namedNodes(plan);
  const unknown = named.find((node) => !nodes.includes(node));
  if (unknown !== undefined) throw new UsageError(`names node "${unknown}", which this run does not have`, { where, hint: `the nodes are ${nodes.join(', ')}` });
  const groups = plan['groups'];
  if (Array.isArray(groups) && new Set(groups.flat()).size !== groups.flat().length) throw new UsageError('partition groups overlap: a node is in two groups', { where });
}

/** Every node a plan names: in groups, a grudge (both sides), a kill or pause, or clock skews. */
function namedNodes(plan: Record<string, unknown>): string[] {
  const groups = Array.isArray(plan['groups']) ? (plan['groups'] as unknown[]).flat() : [];
  const grudge = plan['grudge'] as Record<string, unknown[]> | undefined;
  const grudged = grudge === undefined || grudge === null ? [] : [...Object.keys(grudge), ...Object.values(grudge).flat()];
  const listed = Array.isArray(plan['nodes']) ? plan['nodes'] : [];
  const skewed = plan['skews'] !== undefined && plan['skews'] !== null ? Object.keys(plan['skews'] as object) : [];
  return [...groups, ...grudged, ...listed, ...skewed].map(String);
}

function checkOverlaps(faults: readonly ScheduledFault[], where: string): void {
  const order = faults.map((fault, index) => ({ fault, index })).sort((left, right) => left.fault.atMs - right.fault.atMs || left.index - right.index);
  const lastOn = new Map<string, { endMs: number; index: number }>();
  for (const { fault, index } of order) {
    const resource = RESOURCE_OF[fault.kind];
    const previous = lastOn.get(resource);
    if (previous !== undefined && fault.atMs < previous.endMs) {
      throw new UsageError(`overlaps ${where}[${previous.index}] on the ${resource} (${fault.kind} from ${fault.atMs} ms while that fault lasts until ${previous.endMs} ms)`, { where: `${where}[${index}]`, hint: 'faults on one resource (network; process: kill and pause; clock) must not overlap' });
    }
    lastOn.set(resource, { endMs: fault.atMs + fault.durationMs, index });
  }
}
