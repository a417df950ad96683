/**
 * scripts/preflight.mjs, npm's pretest: before the set-up, `npm test` names
 * what is missing and the one command that adds it, instead of failing deep
 * inside a Docker or Chromium test; on a set-up machine it says nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const project = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function preflight(root: string, args: string[] = [], environment: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'preflight.mjs'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...environment } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A clone before the set-up: the scripts and the lock file, no node_modules. */
function freshClone(): string {
  const root = join(temporaryDirectory('faultline-preflight-'), 'faultline');
  mkdirSync(join(root, 'scripts'), { recursive: true });
  copyFileSync(join(project, 'scripts', 'preflight.mjs'), join(root, 'scripts', 'preflight.mjs'));
  copyFileSync(join(project, 'package-lock.json'), join(root, 'package-lock.json'));
  return root;
}

test('before the set-up, one message names each missing piece and bash scripts/setup.sh', () => {
  const root = freshClone();
  const run = preflight(root, [], { DOCKER_HOST: `unix://${join(root, 'no-engine.sock')}` });
  assert.equal(run.code, 1);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines[0], 'npm test cannot run yet:');
  assert.match(run.stderr, /^ {2}- the npm dependencies are not installed as package-lock\.json says: node_modules is missing$/m);
  assert.match(run.stderr, /^ {2}- no Docker engine answers \(`docker info` fails\)/m);
  assert.match(run.stderr, /^ {2}- .*shared\/histories is missing/m);
  assert.match(lines.at(-1)!, /^Run `bash scripts\/setup\.sh` \(as root\) first/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('node_modules that differs from package-lock.json is named, package and versions; as the lock says, it passes', () => {
  const root = freshClone();
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; link?: boolean }> };
  const install = (yargsVersion?: string): void => {
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.link === true) continue;
      const name = path.replace(/^.*node_modules\//, '');
      mkdirSync(join(root, path), { recursive: true });
      writeFileSync(join(root, path, 'package.json'), JSON.stringify({ name, version: path === 'node_modules/yargs' ? (yargsVersion ?? entry.version) : entry.version }));
    }
  };
  install('0.0.1');
  const stale = preflight(root, ['--dependencies']);
  assert.equal(stale.code, 1);
  assert.equal(stale.stdout, `node_modules has yargs 0.0.1, package-lock.json says ${lock.packages['node_modules/yargs']!.version}\n`);
  install();
  const fresh = preflight(root, ['--dependencies']);
  assert.equal(fresh.code, 0, fresh.stdout);
});

test('on this set-up machine the dependencies are as the lock file says', () => {
  const run = preflight(project, ['--dependencies']);
  assert.equal(run.code, 0, run.stdout);
  assert.equal(run.stdout, '');
});
