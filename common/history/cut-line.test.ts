/**
 * A history whose last line was cut short (a writer killed mid-line leaves it
 * without a newline, and it does not parse) is read up to its last complete
 * event when the caller asks for that, and the cut is told with file:line.
 * Anything else that does not parse stays an error naming file:line.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { collect, rejectsWithHistoryError, temporaryDirectory } from './fixtures.js';
import type { CutLine } from './files.js';
import { readHistory } from './read.js';

const files = temporaryDirectory();
after(() => files.remove());

const complete = [
  '{"index":0,"process":0,"type":"invoke","f":"write","value":1}',
  '{"index":1,"process":0,"type":"ok","f":"write","value":1}',
];

async function readWithCuts(path: string): Promise<{ indexes: number[]; cuts: CutLine[] }> {
  const cuts: CutLine[] = [];
  const events = await collect(readHistory(path, { onCut: (cut) => cuts.push(cut) }));
  return { indexes: events.map((event) => event.index), cuts };
}

describe('a last line cut short', () => {
  it('ends a JSONL history at the line before it, and says which file and line were cut', async () => {
    const path = files.write('cut.jsonl', `${complete.join('\n')}\n{"index":2,"process":1,"type":"inv`);
    const { indexes, cuts } = await readWithCuts(path);
    assert.deepEqual(indexes, [0, 1]);
    assert.equal(cuts.length, 1);
    assert.equal(cuts[0]!.line, 3);
    assert.match(cuts[0]!.message, new RegExp(`^${path}:3: the last line is cut short.*judged up to line 2`));
  });

  it('ends a Jepsen log the same way', async () => {
    const log = 'INFO jepsen.util - 0\t:invoke\t:write\t1\nINFO jepsen.util - 0\t:ok\t:write\t1\nINFO jepsen.util - 1\t:invoke\t:cas\t[1 ';
    const { indexes, cuts } = await readWithCuts(files.write('cut.log', log));
    assert.deepEqual(indexes, [0, 1]);
    assert.equal(cuts[0]?.line, 3);
  });

  it('is still an error, at its line, when the caller did not ask to read up to a cut', async () => {
    const path = files.write('cut-strict.jsonl', `${complete.join('\n')}\n{"index":2,"pro`);
    await rejectsWithHistoryError(collect(readHistory(path)), { where: `${path}:3`, message: /malformed JSON/ });
  });

  it('is not a cut when a newline follows it: a bad last line that was written whole is an error', async () => {
    const path = files.write('bad-last.jsonl', `${complete.join('\n')}\n{"index":2,"pro\n`);
    await rejectsWithHistoryError(readWithCuts(path), { where: `${path}:3`, message: /malformed JSON/ });
  });

  it('garbage in the middle stays an error that names file:line', async () => {
    const path = files.write('middle.jsonl', `${complete[0]}\n{"index":1,"pro\n${complete[1]}`);
    await rejectsWithHistoryError(readWithCuts(path), { where: `${path}:2`, message: /malformed JSON/ });
  });

  it('hands over the events before a bad line before the error, for readers that show what they can', async () => {
    const path = files.write('partial.jsonl', `${complete.join('\n')}\nnot json\n${complete[0]}\n`);
    const seen: number[] = [];
    await rejectsWithHistoryError(
      (async () => {
        for await (const event of readHistory(path)) seen.push(event.index);
      })(),
      { where: `${path}:3` },
    );
    assert.deepEqual(seen, [0, 1]);
  });
});
