/** Config files and flags: every option's type and range, named where it came from; too few nodes for faults refused with the reason. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultlineError } from '../../common/errors.js';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { DEFAULTS, readConfigFile, resolveConfig } from './config.js';

const folder = temporaryDirectory('faultline-config-test-');

function configFile(name: string, options: Record<string, unknown>): string {
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify(options));
  return file;
}

function describedError(action: () => unknown): { code: string; text: string } {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof FaultlineError, `a typed error, not ${String(error)}`);
    return { code: error.code, text: error.describe() };
  }
  assert.fail('no error');
}

test('a wrong type in a config file names the file and the key, with the value as written', () => {
  const file = configFile('c.json', { nodes: 'three' });
  const error = describedError(() => readConfigFile(file));
  assert.equal(error.code, 'E_CONFIG');
  assert.equal(error.text, `${file}: "nodes" must be an integer from 3 to 9, got "three"`);
});

test('every option of a config file is checked for its type, and the file and key are named', () => {
  const wrong: Record<string, unknown> = {
    system: 5, runtime: ['sim'], workload: 'queue', nemesis: 7, nodes: 2.5, concurrency: '10', rate: 0, timeLimitSeconds: '30',
    warmupSeconds: -1, recoverySeconds: null, keys: 0, seed: -3, bugs: 3, readMode: 5, maxActiveFaults: 4, out: '', image: 42, install: 7, schedule: 5, swarm: 'yes', swarmPhases: [{ durationMs: 0 }], nemesisOptions: [],
  };
  assert.deepEqual(Object.keys(wrong).sort(), Object.keys({ ...DEFAULTS, seed: 0, readMode: '', install: '', schedule: [], swarm: false, swarmPhases: [], nemesisOptions: {} }).sort(), 'the table covers every option');
  for (const [key, value] of Object.entries(wrong)) {
    const file = configFile(`${key}.json`, { [key]: value });
    const error = describedError(() => readConfigFile(file));
    assert.equal(error.code, 'E_CONFIG', key);
    assert.ok(error.text.startsWith(`${file}: "${key}"`), `${key}: ${error.text}`);
  }
  const unknown = describedError(() => readConfigFile(configFile('unknown.json', { nodez: 3 })));
  assert.match(unknown.text, /unknown\.json: unknown option "nodez"\n {2}options are: system, /);
});

test('"bugs" as one string is one bug, never its letters; an unknown one is refused by name', () => {
  const layer = readConfigFile(configFile('bug.json', { bugs: 'ack-before-quorum' }));
  assert.deepEqual(resolveConfig('test', 1, layer).bugs, ['ack-before-quorum']);
  const error = describedError(() => readConfigFile(configFile('bad-bug.json', { bugs: 'ack-before-quorom' })));
  assert.match(error.text, /bad-bug\.json: "bugs" names an unknown bug "ack-before-quorom"\n {2}choose from: .*ack-before-quorum/);
});

test('1 or 2 nodes are refused under faults, with the reason, and allowed with nemesis none', () => {
  for (const nodes of [1, 2]) {
    const flagError = describedError(() => resolveConfig('test', 1, { nodes }));
    assert.equal(flagError.code, 'E_USAGE');
    assert.match(flagError.text, new RegExp(`^--nodes is ${nodes}, which cannot survive any fault: a majority of ${nodes} is ${nodes}, so a fault on any node \\(nemesis partition\\) leaves no quorum`));
    assert.match(flagError.text, /\n {2}use --nodes 3 or more, or --nemesis none to run \d without faults$/);
    assert.equal(resolveConfig('test', 1, { nodes, nemesis: 'none' }).nodes, nodes);
  }
  const file = configFile('two.json', { nodes: 2 });
  const fileError = describedError(() => resolveConfig('test', 1, readConfigFile(file)));
  assert.match(fileError.text, new RegExp(`^${file}: "nodes" is 2, which cannot survive any fault`));
  assert.match(fileError.text, /\n {2}set "nodes" to 3 or more, or "nemesis" to "none" to run 2 without faults$/);
  // The flags may switch the faults off for a file's two nodes.
  assert.equal(resolveConfig('test', 1, readConfigFile(file), { nemesis: 'none' }).nodes, 2);
});

test('flags get the same checks, named as flags', () => {
  assert.match(describedError(() => resolveConfig('test', 1, { nodes: Number.NaN })).text, /^--nodes must be an integer from 3 to 9, got something that is not a number$/);
  assert.match(describedError(() => resolveConfig('test', 1, { timeLimitSeconds: 0 })).text, /^--time-limit must be a number from 1 to 3600, got 0$/);
  assert.match(describedError(() => resolveConfig('test', 1, { nemesis: 'flood' })).text, /--nemesis: unknown nemesis "flood"/);
});

test('a read mode the system does not have is refused before the run, with the modes it has; the default is its first', () => {
  assert.equal(resolveConfig('test', 1, {}).readMode, 'linearizable');
  const error = describedError(() => resolveConfig('test', 1, { readMode: 'fast' }));
  assert.equal(error.code, 'E_USAGE');
  assert.match(error.text, /coordinator-raft has no read mode "fast"; its read modes are linearizable, sequential, lease/);
  const fromFile = describedError(() => resolveConfig('test', 1, readConfigFile(configFile('mode.json', { readMode: 'fast' }))));
  assert.equal(fromFile.code, 'E_CONFIG');
  assert.match(fromFile.text, /mode\.json: .*has no read mode "fast"/);
});
