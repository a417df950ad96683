/**
 * The chart libraries, read from the installed packages and inlined into
 * every page, so a report opens from a CI artifact or file:// with no
 * network request of any kind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** UMD builds, in load order: vega-lite and vega-embed expect the globals of the ones before. */
const LIBRARIES = [
  { name: 'vega', file: 'build/vega.min.js' },
  { name: 'vega-lite', file: 'build/vega-lite.min.js' },
  { name: 'vega-embed', file: 'build/vega-embed.min.js' },
] as const;

let cached: string | undefined;

function packageDirectory(name: string): string {
  // Walk node's own lookup paths: some packages' "exports" hide package.json and build/.
  for (const directory of require.resolve.paths(name) ?? []) {
    if (existsSync(join(directory, name, 'package.json'))) return join(directory, name);
  }
  throw new Error(`the chart library ${name} is not installed: run npm ci`);
}

/** Text that is safe inside a <script> element: no "</script" can close it early. */
export function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** One <script> element per library, ready to paste into a page's <head>. */
export function inlineChartLibraries(): string {
  if (cached !== undefined) return cached;
  cached = LIBRARIES.map((library) => {
    const source = readFileSync(join(packageDirectory(library.name), library.file), 'utf8');
    return `<script data-library="${library.name}">${scriptText(source)}</script>`;
  }).join('\n');
  return cached;
}

/** The versions inlined, for the report's footer. */
export function chartLibraryVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const library of LIBRARIES) {
    const manifest = JSON.parse(readFileSync(join(packageDirectory(library.name), 'package.json'), 'utf8')) as { version: string };
    versions[library.name] = manifest.version;
  }
  return versions;
}
