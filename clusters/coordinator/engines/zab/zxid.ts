/**
 * ZooKeeper transaction ids: epoch in the high 32 bits, a counter in the low
 * 32, held in a JS number. Exact only while the whole value stays below 2^53,
 * i.e. epoch < 2^21, which every constructor asserts.
 */
import assert from 'node:assert/strict';

export const EPOCH_LIMIT = 2 ** 21;
const COUNTER_SPAN = 2 ** 32;

export function makeZxid(epoch: number, counter: number): number {
  if (!(Number.isInteger(epoch) && epoch >= 0 && epoch < EPOCH_LIMIT)) assert.fail(`epoch ${epoch} outside [0, 2^21)`);
  if (!(Number.isInteger(counter) && counter >= 0 && counter < COUNTER_SPAN)) assert.fail(`counter ${counter} outside 32 bits`);
  return epoch * COUNTER_SPAN + counter;
}

export function epochOf(zxid: number): number {
  if (!(Number.isSafeInteger(zxid) && zxid >= 0)) assert.fail(`bad zxid ${zxid}`);
  return Math.floor(zxid / COUNTER_SPAN);
}

export function counterOf(zxid: number): number {
  return zxid - epochOf(zxid) * COUNTER_SPAN;
}

export function formatZxid(zxid: number): string {
  return `0x${epochOf(zxid).toString(16)}${counterOf(zxid).toString(16).padStart(8, '0')}`;
}
