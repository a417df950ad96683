/** Values compare exactly, whatever their size: a read of 2^53 does not match a write of 2^53 + 1. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readOperations } from '../../common/history/index.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';

const directory = mkdtempSync(join(tmpdir(), 'faultline-exact-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function history(name: string, lines: string[]): string {
  const file = join(directory, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function verdict(file: string, model: string): Promise<unknown> {
  const { operations } = await readOperations(file);
  const result = checkLinearizable(createModel(model), operations, { nowMs: () => performance.now() });
  // Whatever reports and results.json do with the result, it must serialize.
  assert.ok(JSON.stringify(result).length > 0);
  return result.valid;
}

const WRITE_THEN_READ = (written: string, read: string) => [
  `{"process":0,"type":"invoke","f":"write","value":${written}}`,
  `{"process":0,"type":"ok","f":"write","value":${written}}`,
  '{"process":1,"type":"invoke","f":"read","value":null}',
  `{"process":1,"type":"ok","f":"read","value":${read}}`,
];

test('JSONL: a read of 9007199254740992 after a write of 9007199254740993 is a violation', async () => {
  for (const model of ['register', 'cas-register']) {
    assert.equal(await verdict(history(`bad-${model}.jsonl`, WRITE_THEN_READ('9007199254740993', '9007199254740992')), model), false);
    assert.equal(await verdict(history(`ok-${model}.jsonl`, WRITE_THEN_READ('9007199254740993', '9007199254740993')), model), true);
  }
});

test('EDN and JSONL agree on large integers inside cas pairs', async () => {
  const edn = history('cas.edn', [
    '{:process 0, :type :invoke, :f :write, :value 18446744073709551616}',
    '{:process 0, :type :ok, :f :write, :value 18446744073709551616}',
    '{:process 1, :type :invoke, :f :cas, :value [18446744073709551617 1]}',
    '{:process 1, :type :ok, :f :cas, :value [18446744073709551617 1]}',
  ]);
  const jsonl = history('cas.jsonl', [
    '{"process":0,"type":"invoke","f":"write","value":18446744073709551616}',
    '{"process":0,"type":"ok","f":"write","value":18446744073709551616}',
    '{"process":1,"type":"invoke","f":"cas","value":[18446744073709551617,1]}',
    '{"process":1,"type":"ok","f":"cas","value":[18446744073709551617,1]}',
  ]);
  assert.equal(await verdict(edn, 'cas-register'), false);
  assert.equal(await verdict(jsonl, 'cas-register'), false);
});

test('multi-register compares large integers exactly', async () => {
  const file = history('txn.jsonl', [
    '{"process":0,"type":"invoke","f":"txn","value":[["write","x",9007199254740993]]}',
    '{"process":0,"type":"ok","f":"txn","value":[["write","x",9007199254740993]]}',
    '{"process":1,"type":"invoke","f":"txn","value":[["read","x",null]]}',
    '{"process":1,"type":"ok","f":"txn","value":[["read","x",9007199254740992]]}',
  ]);
  assert.equal(await verdict(file, 'multi-register'), false);
});
