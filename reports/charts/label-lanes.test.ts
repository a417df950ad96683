// Tests of label-lanes.ts: labels placed in lanes never overlap and stay inside the plot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutToWidth, labelWidthPx, placeLabels, type PlacedLabel } from './label-lanes.js';

function assertApart(placed: readonly PlacedLabel[], widthPx: number): void {
  for (const label of placed) {
    assert.ok(label.xPx >= 0 && label.xPx + labelWidthPx(label.text) <= widthPx + 1e-9, `"${label.text}" at ${label.xPx} leaves the plot`);
  }
  for (const first of placed) {
    for (const second of placed) {
      if (first === second || first.lane !== second.lane) continue;
      const apart = first.xPx + labelWidthPx(first.text) <= second.xPx || second.xPx + labelWidthPx(second.text) <= first.xPx;
      assert.ok(apart, `"${first.text}" and "${second.text}" overlap in lane ${first.lane}`);
    }
  }
}

describe('label lanes', () => {
  it('puts labels that would collide in further lanes', () => {
    const placed = placeLabels([{ xPx: 0, text: 'read 0 -> 89' }, { xPx: 20, text: 'read 0 -> 89' }, { xPx: 200, text: 'write 1' }], 400, 3);
    assert.deepEqual(placed.map((label) => [label.lane, label.text]), [[0, 'read 0 -> 89'], [1, 'read 0 -> 89'], [0, 'write 1']]);
    assertApart(placed, 400);
  });

  it('moves a label at the right edge left so it ends inside the plot', () => {
    const [label] = placeLabels([{ xPx: 390, text: '✕ read 0 -> 89: impossible' }], 400, 3);
    assert.equal(label!.text, '✕ read 0 -> 89: impossible');
    assert.equal(label!.xPx + labelWidthPx(label!.text), 400);
  });

  it('cuts labels short, or leaves them to the tooltip, when the lanes are full', () => {
    const requests = Array.from({ length: 40 }, (_unused, position) => ({ xPx: position * 9, text: `read ${position} -> 89` }));
    const placed = placeLabels(requests, 500, 2);
    assertApart(placed, 500);
    assert.ok(placed.length < 40 && placed.some((label) => label.text.endsWith('…')), 'some are cut, some left out');
    assert.ok(Math.max(...placed.map((label) => label.lane)) <= 1);
  });

  it('cuts text to a width, keeping a few characters or nothing', () => {
    assert.equal(cutToWidth('partition', 1000), 'partition');
    assert.equal(cutToWidth('partition isolate n2', labelWidthPx('partit…')), 'partit…');
    assert.equal(cutToWidth('partition', 10), '');
  });
});
