/**
 * npx runs faultline through a link to dist/harness/cli/main.js. npm makes a
 * bin executable only when it installs the package, and npx keeps that install
 * per folder in its cache, so a fresh clone in a folder npx saw before would
 * find a main.js without the bit ("Permission denied"): the build sets it.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('the build leaves the CLI entry executable, as npx and the package bin need', () => {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
  assert.ok((statSync(main).mode & 0o111) !== 0, `${main} is not executable`);
});
