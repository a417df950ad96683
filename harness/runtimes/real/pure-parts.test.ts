/** The real runtimes' pure parts: partition links, subnet picking, run-id hashing and the undo stack's order and error collection. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INTERFACE_PATTERN, runHash } from './names.js';
import { partitionLinks } from './network-faults.js';
import { pickSubnet, rangeOf } from './subnets.js';
import { UndoStack } from './undo-stack.js';

test('a partition cuts every pair in different groups, both ways; nodes in no group keep their links', () => {
  const links = partitionLinks([['n1'], ['n2', 'n3']]).map(([from, to]) => `${from}>${to}`).sort();
  assert.deepEqual(links, ['n1>n2', 'n1>n3', 'n2>n1', 'n3>n1']);
  assert.ok(!partitionLinks([['n1'], ['n2']]).some((link) => link.includes('n3')));
});

test('pickSubnet skips /24s that a route, an address or a docker network covers, and those tried already', () => {
  const hash = '0000aa';
  const first = pickSubnet(201, hash, []);
  assert.match(first.cidr, /^10\.201\.\d+\.0\/24$/);
  assert.notEqual(pickSubnet(201, hash, [first.cidr]).cidr, first.cidr);
  assert.notEqual(pickSubnet(201, hash, [`${first.prefix}.7/32`]).cidr, first.cidr);
  assert.notEqual(pickSubnet(201, hash, [], new Set([first.cidr])).cidr, first.cidr);
  assert.throws(() => pickSubnet(201, hash, ['10.0.0.0/8']), /no free \/24/);
  assert.deepEqual(rangeOf('10.201.3.0/24'), { start: rangeOf('10.201.3.0')?.start, end: (rangeOf('10.201.3.255')?.start as number) });
  assert.equal(rangeOf('default'), undefined);
});

test('interface names fit in 15 characters and match what faultline clean looks for', () => {
  const hash = runHash('20261122T150000Z-coordinator-raft-register-7');
  for (const name of [`flt${hash}-br`, `flt${hash}-999`, `flt${hash}p999`]) {
    assert.ok(name.length <= 15, name);
    assert.match(name, INTERFACE_PATTERN);
  }
});

test('the undo stack runs newest first, runs every step despite failures, and runs once', async () => {
  const order: string[] = [];
  const stack = new UndoStack();
  stack.push('first', async () => void order.push('first'));
  stack.push('broken', async () => {
    throw new Error('boom');
  });
  stack.push('last', async () => void order.push('last'));
  await assert.rejects(stack.unwindOrThrow(), /1 step\(s\) undone:\n  broken: boom/);
  assert.deepEqual(order, ['last', 'first']);
  assert.deepEqual(await stack.unwind(), ['broken: boom']);
  assert.deepEqual(order, ['last', 'first']);
});
