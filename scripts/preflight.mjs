#!/usr/bin/env node
// What faultline needs before it builds and tests, checked in plain Node (it
// runs before any dependency is installed), so a missing piece is one clear
// message instead of a failure deep inside a Docker or Chromium test.
//   node scripts/preflight.mjs                 every check (npm's pretest)
//   node scripts/preflight.mjs --dependencies  only: is node_modules as package-lock.json says?
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const SETUP = 'bash scripts/setup.sh';

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Why node_modules does not hold what package-lock.json lists (name and version of each package), or undefined. */
export function dependencyProblem() {
  const lock = readJson(join(root, 'package-lock.json'));
  if (lock?.packages === undefined) return 'package-lock.json is missing or unreadable';
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link === true) continue;
    const installed = readJson(join(root, path, 'package.json'));
    // Optional packages for other platforms are absent by design.
    if (installed === undefined && entry.optional === true) continue;
    if (installed === undefined) return `node_modules lacks ${path.replace(/^.*node_modules\//, '')} ${entry.version}`;
    if (installed.version !== entry.version) {
      return `node_modules has ${installed.name} ${installed.version}, package-lock.json says ${entry.version}`;
    }
  }
  return undefined;
}

function commandWorks(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 15_000 });
  return result.status === 0;
}

function problems() {
  const found = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) found.push(`Node.js ${process.versions.node} is too old: faultline needs 20 or newer`);
  const dependencies = dependencyProblem();
  if (dependencies !== undefined) found.push(`the npm dependencies are not installed as package-lock.json says: ${dependencies}`);
  if (!commandWorks('docker', ['info'])) found.push('no Docker engine answers (`docker info` fails): the docker runtime tests need one');
  if (!existsSync(CHROMIUM)) found.push(`chromium is not installed (${CHROMIUM}): the report tests draw pages in it`);
  for (const [command, args, name] of [['ip', ['-V'], 'iproute2'], ['iptables', ['--version'], 'iptables']]) {
    if (!commandWorks(command, args)) found.push(`${name} is not installed (\`${command}\`): the local runtime tests need it`);
  }
  return found;
}

if (process.argv.includes('--dependencies')) {
  const problem = dependencyProblem();
  if (problem !== undefined) process.stdout.write(`${problem}\n`);
  process.exitCode = problem === undefined ? 0 : 1;
} else {
  const fixable = problems();
  const histories = join(root, '..', 'shared', 'histories');
  const others = existsSync(histories) ? [] : [`${histories} is missing: the tests check every history there; put the shared histories beside this folder`];
  if (fixable.length + others.length > 0) {
    const lines = ['npm test cannot run yet:', ...[...fixable, ...others].map((problem) => `  - ${problem}`)];
    if (fixable.length > 0) lines.push(`Run \`${SETUP}\` (as root) first: it installs and starts what is missing, installs the npm dependencies and builds.`);
    process.stderr.write(`${lines.join('\n')}\n`);
    process.exitCode = 1;
  }
}
