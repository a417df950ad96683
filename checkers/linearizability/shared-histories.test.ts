/** Every shared history gets the verdict of its index.tsv: 102 etcd runs and 6 kv histories. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readOperations } from '../../common/history/index.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';

const historiesDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'histories');

function indexRows(set: string): { file: string; expected: string }[] {
  const lines = readFileSync(join(historiesDirectory, set, 'index.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [file, , expected] = line.split('\t') as [string, string, string];
    return { file, expected };
  });
}

for (const [set, modelName] of [['etcd', 'cas-register'], ['kv', 'kv']] as const) {
  test(`${set}: every history gets its known verdict with the ${modelName} model`, async () => {
    const rows = indexRows(set);
    assert.equal(rows.length, set === 'etcd' ? 102 : 6);
    const model = createModel(modelName);
    for (const { file, expected } of rows) {
      const { operations } = await readOperations(join(historiesDirectory, set, file));
      const result = checkLinearizable(model, operations, { nowMs: () => performance.now(), timeoutMs: 60_000 });
      assert.equal(result.valid, expected === 'ok', `${file}: expected ${expected}, got ${String(result.valid)}`);
      if (result.valid === false) {
        assert.ok(result.counterexample !== undefined, `${file}: a violation comes with a counterexample`);
        assert.ok(result.counterexample.sentence.length > 20, `${file}: the counterexample says why`);
      }
    }
  });
}
