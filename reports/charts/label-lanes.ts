/**
 * Labels that never overlap and never leave the plot: each label starts at
 * its item's x (moved left when it would run past the right edge), takes
 * the lowest lane where it is clear of the label before it, and when every
 * lane is taken, the label before it in the lane with the most room is cut
 * short (with "…") to make space; a label that finds no room at all is left
 * out, its text staying in the item's tooltip. Widths come from a monospace
 * font, whose characters all have one known width, so the estimate holds in
 * any browser.
 */
import assert from 'node:assert/strict';

/** The font labels are drawn in, at LABEL_FONT_PX. */
export const LABEL_FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';
export const LABEL_FONT_PX = 10;
/** Widest advance of a character of a common monospace font at 10 px (DejaVu Sans Mono, Menlo: 6.02). */
const CHARACTER_PX = 6.2;
/** Pixels kept clear between labels in a lane. */
const GAP_PX = 6;
/** A cut label keeps at least this many characters, "…" included, or goes. */
const MIN_CUT_CHARACTERS = 4;

export interface LabelRequest {
  /** Where the item starts, in pixels from the plot's left edge. */
  xPx: number;
  text: string;
  /** Where the item itself ends (a bar drawn in the lane): no other item of its lane may start before. */
  endPx?: number;
}

export interface PlacedLabel {
  /** Index of the request. */
  item: number;
  lane: number;
  xPx: number;
  /** The text as drawn: whole, cut with "…", or "" when kept without a label. */
  text: string;
}

interface LaneEnd {
  label: PlacedLabel;
  itemEndPx: number;
}

/** Characters outside Latin-1 (✕, arrows) may come from a wider fallback font: counted twice. */
export function labelWidthPx(text: string): number {
  let units = 0;
  for (const character of text) units += character === '…' || character.codePointAt(0)! < 0x100 ? 1 : 2;
  return units * CHARACTER_PX;
}

/** The longest start of text, "…" added when cut, no wider than widthPx; "" when nothing useful fits. */
export function cutToWidth(text: string, widthPx: number): string {
  if (labelWidthPx(text) <= widthPx) return text;
  const characters = [...text];
  for (let keep = characters.length - 1; keep >= MIN_CUT_CHARACTERS - 1; keep--) {
    const cut = `${characters.slice(0, keep).join('').trimEnd()}…`;
    if (labelWidthPx(cut) <= widthPx) return cut;
  }
  return '';
}

/**
 * Places labels in at most maxLanes lanes across a plot widthPx wide. A
 * label that finds no room is left out, or with keepAll (items that must be
 * drawn, such as bars) kept with "" in the lane whose last item ends first.
 */
export function placeLabels(requests: readonly LabelRequest[], widthPx: number, maxLanes: number, keepAll = false): PlacedLabel[] {
  assert.ok(maxLanes >= 1 && widthPx > 0, 'labels need a lane and a width');
  const order = requests.map((request, item) => ({ ...request, item })).filter((request) => keepAll || request.text !== '').sort((left, right) => left.xPx - right.xPx || left.item - right.item);
  const lanes: LaneEnd[] = [];
  const placed: PlacedLabel[] = [];
  for (const request of order) {
    const text = cutToWidth(request.text, widthPx);
    const xPx = Math.max(0, Math.min(request.xPx, widthPx - labelWidthPx(text)));
    const startPx = Math.min(xPx, request.xPx);
    let lane = lanes.findIndex((end) => laneEndPx(end) <= startPx);
    if (lane === -1 && lanes.length < maxLanes) lane = lanes.length;
    if (lane === -1) lane = cutRoomFor(lanes, startPx);
    if (lane === -1 && !keepAll) continue;
    const label = { item: request.item, lane, xPx, text: lane === -1 ? '' : text };
    if (lane === -1) label.lane = lanes.reduce((best, end, index) => (end.itemEndPx < lanes[best]!.itemEndPx ? index : best), 0);
    lanes[label.lane] = { label, itemEndPx: Math.max(request.endPx ?? xPx, lanes[label.lane]?.itemEndPx ?? 0) };
    placed.push(label);
  }
  return placed.sort((left, right) => left.item - right.item);
}

function laneEndPx(end: LaneEnd): number {
  const labelEndPx = end.label.text === '' ? 0 : end.label.xPx + labelWidthPx(end.label.text) + GAP_PX;
  return Math.max(labelEndPx, end.itemEndPx + 1);
}

/** Cuts the last label of the lane where it keeps the most text so it ends before startPx; -1 when none can. */
function cutRoomFor(lanes: LaneEnd[], startPx: number): number {
  let best = -1;
  let bestText = '';
  lanes.forEach((end, lane) => {
    if (end.itemEndPx + 1 > startPx) return;
    const cut = cutToWidth(end.label.text, startPx - GAP_PX - end.label.xPx);
    if (cut === '' && end.label.text !== '') return;
    if (best === -1 || cut.length > bestText.length) [best, bestText] = [lane, cut];
  });
  if (best !== -1) lanes[best]!.label.text = bestText;
  return best;
}
