/**
 * Fault bands: each start-<fault> of the nemesis paired with its stop
 * (perf's faultWindows does the pairing), labelled with what the fault was
 * ("partition: n2 | n1 n3", "kill leader n1"). The charts give each a lane
 * (charts/common.ts) so faults on at once stay apart.
 */
import { faultWindows } from '../checkers/perf/windows.js';
import type { HistoryEvent } from '../common/history/types.js';
import { clip, compact } from './operations.js';

export interface FaultBand {
  /** 1-based, in start order: "fault 3" in tables and labels. */
  number: number;
  fault: string;
  /** Seconds since run start. */
  from: number;
  to: number;
  /** True when the fault was never stopped: the band runs to the end of the history. */
  open: boolean;
  label: string;
}

/** Bands drawn at most; a run with more keeps the first ones and says so. */
export const MAX_FAULT_BANDS = 300;

function nodesOf(value: Record<string, unknown>): string {
  const nodes = value['nodes'];
  return Array.isArray(nodes) ? nodes.map(String).join(' ') : '';
}

function partitionShape(value: Record<string, unknown>): string {
  const groups = value['groups'];
  if (Array.isArray(groups)) return groups.map((group) => (Array.isArray(group) ? group.map(String).join(' ') : String(group))).join(' | ');
  const grudge = value['grudge'];
  if (grudge !== null && typeof grudge === 'object') {
    const cuts = Object.entries(grudge as Record<string, unknown>).map(([node, others]) => `${node}✕${Array.isArray(others) ? others.map(String).join(',') : compact(others)}`);
    return cuts.join(' ');
  }
  return '';
}

function clockShape(value: Record<string, unknown>): string {
  const skews = value['skews'];
  const nodes = skews !== null && typeof skews === 'object' ? Object.keys(skews as object).join(' ') : '';
  return [value['change'], nodes].filter((part) => part !== undefined && part !== '').map(String).join(' ');
}

/** What a fault was, in a few words, from its start event's value. */
export function describeFault(fault: string, value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return clip(value === null || value === undefined ? fault : `${fault} ${compact(value)}`, 60);
  }
  const record = value as Record<string, unknown>;
  const target = typeof record['target'] === 'string' ? record['target'] : '';
  let shape = nodesOf(record);
  if (fault === 'partition') shape = partitionShape(record);
  if (fault === 'clock') shape = clockShape(record);
  return clip([fault, target, shape].filter((part) => part !== '').join(' '), 60);
}

export interface FaultBands {
  bands: FaultBand[];
  /** Fault windows in the history, including any past MAX_FAULT_BANDS. */
  total: number;
}

/** The nemesis's faults as bands; a fault never stopped ends at endSeconds. */
export function faultBands(nemesisEvents: readonly HistoryEvent[], endSeconds: number, maxBands = MAX_FAULT_BANDS): FaultBands {
  const windows = faultWindows(nemesisEvents);
  const bands = windows.slice(0, maxBands).map((window, position): FaultBand => {
    const open = !Number.isFinite(window.to);
    const from = window.from / 1e9;
    return {
      number: position + 1,
      fault: window.fault,
      from,
      to: open ? Math.max(endSeconds, from) : window.to / 1e9,
      open,
      label: describeFault(window.fault, window.value),
    };
  });
  return { bands, total: windows.length };
}
