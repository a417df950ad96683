/**
 * The page shell every report shares: escaping of everything that came from
 * a history, chart specs embedded as JSON that cannot break out of their
 * <script>, and the chart libraries inlined so the page needs no network.
 */
import { inlineChartLibraries, scriptText } from './assets.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content or a quoted attribute: `<script>` from a history shows as text. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/**
 * JSON for a <script type="application/json"> block. `<`, `>`, `&` and the
 * two line separators are written as \u escapes, so no value can close the
 * element or start a comment, and JSON.parse gives back the same data.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface PageOptions {
  title: string;
  /** Trusted markup: every value from a history in it must already be escaped. */
  body: string;
  /** Extra CSS for this page. */
  style?: string;
  /** Chart specs by element id: the page draws each into <div id="...">. */
  charts?: Record<string, unknown>;
}

const BASE_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:#f6f8fa;padding:8px;overflow:auto;white-space:pre-wrap}
.valid{color:#1a7f37;font-weight:600}.violation{color:#cf222e;font-weight:600}.unknown{color:#9a6700;font-weight:600}
.chart{margin:8px 0 16px}.muted{color:#57606a}
`;

/** Draws every chart and records how it went on window.faultlineCharts, for tests and people. */
const DRAW_SCRIPT = `
(function(){
  var specs = JSON.parse(document.getElementById('faultline-charts').textContent);
  var state = window.faultlineCharts = {pending: 0, drawn: [], failed: []};
  // Milliseconds from navigation start to the last chart settled, for benchmarks and tests.
  function finish(){ if (state.pending === 0) state.finishedMs = performance.now(); }
  Object.keys(specs).forEach(function(id){
    var element = document.getElementById(id);
    if (!element) { state.failed.push({id: id, error: 'no element'}); return; }
    state.pending++;
    vegaEmbed(element, specs[id], {renderer: 'svg', actions: false}).then(function(result){
      state.drawn.push(id); state.pending--; element.__view = result.view; finish();
    }, function(error){
      state.failed.push({id: id, error: String(error)}); state.pending--; finish();
      element.textContent = 'This chart could not be drawn: ' + error;
    });
  });
})();
`;

/** A complete, self-contained HTML document. */
export function renderPage(options: PageOptions): string {
  const charts = options.charts ?? {};
  const hasCharts = Object.keys(charts).length > 0;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request of any kind leaves the page: everything it needs is inline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${BASE_STYLE}${options.style ?? ''}</style>`,
    hasCharts ? inlineChartLibraries() : '',
    '</head><body>',
    options.body,
    hasCharts ? `<script type="application/json" id="faultline-charts">${embedJson(charts)}</script>` : '',
    hasCharts ? `<script>${scriptText(DRAW_SCRIPT)}</script>` : '',
    '</body></html>',
  ].join('\n');
}
