import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNamedChecker } from '../registry.js';
import { checkCrashes, describeCrash, type NodeCrash } from './index.js';

const crash: NodeCrash = { node: 'n2', time: 12_300_000_000, message: 'AssertionError: leader state only exists on a leader', stack: 'AssertionError ...\n    at leaderState' };

test('any crash is a violation, worded with node, time and message', () => {
  const result = checkCrashes([crash, { ...crash, node: 'n3', time: 20e9 }]);
  assert.equal(result.valid, false);
  assert.equal(result.sentence, 'n2 crashed at 12.30 s: AssertionError: leader state only exists on a leader (1 more crash follows)');
  assert.equal(result.anomalies.length, 2);
  assert.deepEqual(result.stats, { crashes: 2, nodes: 2 });
  assert.equal(describeCrash(crash), 'n2 crashed at 12.30 s: AssertionError: leader state only exists on a leader');
});

test('no crash recorded is valid; no record at all is unknown, never valid', () => {
  assert.equal(checkCrashes([]).valid, true);
  const unwatched = checkCrashes(undefined);
  assert.equal(unwatched.valid, 'unknown');
  assert.match(unwatched.reason ?? '', /no watch/);
  assert.equal(runNamedChecker('crash', { operations: [], events: [], crashes: [crash] }).valid, false);
});
