/**
 * For browser tests: where a drawn chart's texts really are, from the
 * browser's own layout (getBoundingClientRect of each SVG text), so a test
 * can assert that labels neither overlap nor leave the chart.
 */
import type { Page } from 'playwright-core';

export interface Box {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface ChartGeometry {
  id: string;
  /** The plot area, inside the axes (of a concatenated chart: its width, all its height). */
  plot: Box;
  /** The whole drawing, axes and legends included. */
  svg: Box;
  texts: Box[];
}

interface BrowserElement {
  id: string;
  tagName: string;
  textContent: string | null;
  getBoundingClientRect(): { left: number; top: number; right: number; bottom: number };
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): ArrayLike<BrowserElement>;
  __view?: { origin(): [number, number]; padding(): { left: number; top: number }; width(): number; height(): number };
}

/** Every chart matching chartSelector, with the texts (or shapes) inside it matching textSelector; empty texts are left out. */
export async function chartGeometry(page: Page, chartSelector: string, textSelector: string): Promise<ChartGeometry[]> {
  return page.evaluate(
    ([charts, texts]) => {
      const document = (globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<BrowserElement> } }).document;
      const boxOf = (element: BrowserElement, text = element.textContent ?? ''): Box => {
        const { left, top, right, bottom } = element.getBoundingClientRect();
        return { text, left, top, right, bottom };
      };
      return Array.from(document.querySelectorAll(charts)).map((chart) => {
        const svg = chart.querySelector('svg')!;
        const svgBox = boxOf(svg, 'svg');
        const view = chart.__view!;
        // The data rectangle starts at the view's padding (5 px by default) plus its origin (the axes' room).
        const padding = view.padding();
        const [x, y] = [view.origin()[0] + padding.left, view.origin()[1] + padding.top];
        // A concatenated chart has no one height: its plot is then taken to run down the whole drawing.
        const bottom = view.height() > 0 ? svgBox.top + y + view.height() : svgBox.bottom;
        const plot = { text: 'plot', left: svgBox.left + x, top: svgBox.top + y, right: svgBox.left + x + view.width(), bottom };
        // A text is named by what it says (and left out when it says nothing); a shape by its tag.
        const shapes = Array.from(chart.querySelectorAll(texts)).map((element) => boxOf(element, element.tagName === 'text' ? (element.textContent ?? '') : element.tagName));
        const found = shapes.filter((box) => box.text.trim() !== '');
        return { id: chart.id, plot, svg: svgBox, texts: found };
      });
    },
    [chartSelector, textSelector] as const,
  );
}

function describe(box: Box): string {
  return `"${box.text}" [${box.left.toFixed(1)}..${box.right.toFixed(1)} × ${box.top.toFixed(1)}..${box.bottom.toFixed(1)}]`;
}

/** Pairs of boxes that overlap by more than tolerancePx each way. */
export function overlappingPairs(boxes: readonly Box[], tolerancePx = 0.5): string[] {
  const pairs: string[] = [];
  for (let first = 0; first < boxes.length; first++) {
    for (let second = first + 1; second < boxes.length; second++) {
      const [a, b] = [boxes[first]!, boxes[second]!];
      const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (width > tolerancePx && height > tolerancePx) pairs.push(`${describe(a)} overlaps ${describe(b)}`);
    }
  }
  return pairs;
}

/** Boxes that stick out of the area by more than tolerancePx. */
export function boxesOutside(boxes: readonly Box[], area: Box, tolerancePx = 0.5): string[] {
  return boxes
    .filter((box) => box.left < area.left - tolerancePx || box.right > area.right + tolerancePx || box.top < area.top - tolerancePx || box.bottom > area.bottom + tolerancePx)
    .map((box) => `${describe(box)} is outside ${describe(area)}`);
}
