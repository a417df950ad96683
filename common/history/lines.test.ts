import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { SeededRandom } from '../random.js';
import { readLineChunks } from './lines.js';

async function readlineLines(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

async function chunkedLines(file: string, chunkBytes: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const chunk of readLineChunks(file, chunkBytes)) lines.push(...chunk);
  return lines;
}

/** Pieces that stress the splitter: every break, a BOM, multi-byte characters a chunk may cut. */
const PIECES = ['\n', '\r\n', '\r', '\r\r\n', 'a', '{"f":"x"}', ' ', '\ufeff', 'é', '€', '😀', '\n\n'];

test('lines split exactly as readline splits them, whatever the chunk size', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'faultline-lines-'));
  try {
    const random = new SeededRandom(7);
    for (let round = 0; round < 300; round++) {
      let text = '';
      const length = random.integer(0, 12);
      for (let piece = 0; piece < length; piece++) text += PIECES[random.integer(0, PIECES.length)]!;
      const file = join(directory, `${round}.txt`);
      writeFileSync(file, text);
      const expected = await readlineLines(file);
      for (const chunkBytes of [1, 2, 3, 5, 64]) {
        assert.deepEqual(await chunkedLines(file, chunkBytes), expected, `${JSON.stringify(text)} in chunks of ${chunkBytes}`);
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('an empty file has no lines, and a missing one fails with its system error', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'faultline-lines-'));
  try {
    writeFileSync(join(directory, 'empty'), '');
    assert.deepEqual(await chunkedLines(join(directory, 'empty'), 8), []);
    await assert.rejects(chunkedLines(join(directory, 'missing'), 8), { code: 'ENOENT' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
