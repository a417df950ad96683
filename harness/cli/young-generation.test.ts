/** `faultline check` of a large history runs in a second process with a larger young generation. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { LARGE_HISTORY_BYTES, wantsLargerYoungGeneration } from './young-generation.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

/** A sparse file of the given size whose first line is the given text. */
function largeFile(path: string, firstLine: string, bytes: number): string {
  writeFileSync(path, `${firstLine}\n`);
  truncateSync(path, bytes);
  return path;
}

test('only check of a history (file or run directory) from the size on, and only once', () => {
  const directory = temporaryDirectory('faultline-young-');
  const small = largeFile(join(directory, 'small.jsonl'), '{}', LARGE_HISTORY_BYTES - 1);
  const large = largeFile(join(directory, 'large.jsonl'), '{}', LARGE_HISTORY_BYTES);
  mkdirSync(join(directory, 'run'));
  largeFile(join(directory, 'run', 'history.jsonl'), '{}', LARGE_HISTORY_BYTES);
  assert.equal(wantsLargerYoungGeneration(['check', small], {}, []), false);
  assert.equal(wantsLargerYoungGeneration(['check', large, '--model', 'kv'], {}, []), true);
  assert.equal(wantsLargerYoungGeneration(['check', join(directory, 'run')], {}, []), true);
  assert.equal(wantsLargerYoungGeneration(['report', large], {}, []), false);
  assert.equal(wantsLargerYoungGeneration(['check', join(directory, 'missing')], {}, []), false);
  assert.equal(wantsLargerYoungGeneration(['check', large], { FAULTLINE_LARGE_YOUNG_GENERATION: '1' }, []), false);
  assert.equal(wantsLargerYoungGeneration(['check', large], {}, ['--max-semi-space-size=8']), false);
});

test('the second process speaks for the first: its output and its exit code', () => {
  const directory = temporaryDirectory('faultline-young-');
  const file = largeFile(join(directory, 'bad.jsonl'), '{"index":0,', LARGE_HISTORY_BYTES);
  const run = spawnSync(process.execPath, [cli, 'check', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 3, run.stderr);
  assert.match(run.stderr, /bad\.jsonl:1: malformed JSON/);
});
