/** Records packed into columns come back exactly: every type, every absent field, every odd shape. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordPacker, RecordUnpacker } from './event-columns.js';

const RECORDS: unknown[] = [
  { index: 0, time: 5, process: 3, type: 'invoke', f: 'write', key: 'k1', value: 7 },
  undefined,
  { index: 1, time: 6, process: 3, type: 'ok', f: 'write', key: 'k1', value: 7, node: 'n2' },
  { process: 'nemesis', type: 'info', f: 'start', value: { partition: [['n1'], ['n2']] } },
  { index: 3, time: -0, process: 4, type: 'invoke', f: 'cas', key: 12, value: [1, 2] },
  { index: 4, process: 4, type: 'fail', f: 'cas', key: 12, value: [1, 2], error: 'timeout' },
  { index: 5, process: 5, type: 'invoke', f: 'read', key: null, value: null, error: null },
  { index: 6, process: 5, type: 'info', f: 'read', value: '9007199254740993', error: { code: 1 } },
  { index: 7, process: 6, type: 'invoke', f: 'write', value: true, extra: 'kept' },
  { index: null, process: 6, type: 'ok', f: 'write' },
  { index: 9, process: 7, type: 'invoke', f: 'write', node: 3 },
  { index: 10, process: { not: 'a process' }, type: 'invoke', f: 'write' },
  { index: 11, process: 8, type: 7, f: 'write' },
  ...Array.from({ length: 40 }, (_, at) => ({ index: 20 + at, process: `worker-${at}`, type: 'invoke', f: `f${at % 20}`, key: `k${at}`, node: `n${at}` })),
  ['not', 'an', 'object'],
  42,
  null,
];

describe('records packed in columns', () => {
  for (const capacity of [1, 3, 64]) {
    it(`come back exactly in batches of ${capacity}`, () => {
      const packer = new RecordPacker(capacity);
      const unpacker = new RecordUnpacker();
      const records: unknown[] = [];
      const lines: number[] = [];
      const drain = (): void => {
        const unpacked = unpacker.unpack(structuredClone(packer.take()));
        records.push(...unpacked.records);
        lines.push(...unpacked.lines);
      };
      RECORDS.forEach((record, at) => {
        packer.add(record, at * 2 + 1);
        if (packer.full) drain();
      });
      if (packer.count > 0) drain();
      assert.deepStrictEqual(records, RECORDS);
      assert.deepStrictEqual(lines, RECORDS.map((_, at) => at * 2 + 1));
      assert.ok(Object.is((records[4] as { time: number }).time, -0));
      assert.ok(!('key' in (records[7] as object)), 'an absent field stays absent');
    });
  }
});
