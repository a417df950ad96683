import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HistoryError } from '../errors.js';
import { collect, rejectsWithHistoryError, temporaryDirectory } from './fixtures.js';
import { readJsonl } from './jsonl.js';
import { HistoryValidator } from './validate.js';

const files = temporaryDirectory();
after(() => files.remove());

/** Writes the lines as a JSONL file and expects a HistoryError at the given line. */
async function expectError(lines: string[], line: number, message: RegExp, hint?: RegExp): Promise<void> {
  const path = files.write(`case-${line}-${Math.abs(hash(lines.join()))}.jsonl`, `${lines.join('\n')}\n`);
  await rejectsWithHistoryError(collect(readJsonl(path)), {
    where: `${path}:${line}`,
    message,
    ...(hint === undefined ? {} : { hint }),
  });
}

function hash(text: string): number {
  let value = 0;
  for (let position = 0; position < text.length; position++) value = (value * 31 + text.charCodeAt(position)) | 0;
  return value;
}

const invokeRead = '{"process":0,"type":"invoke","f":"read","value":null}';
const okRead = '{"process":0,"type":"ok","f":"read","value":1}';

describe('HistoryValidator: errors name file:line', () => {
  it('rejects an unknown type, for clients and for the nemesis', async () => {
    await expectError([invokeRead, '{"process":0,"type":"done","f":"read"}'], 2, /unknown event type "done"/, /invoke/);
    await expectError(['{"process":"nemesis","type":"start","f":"kill"}'], 1, /unknown event type "start"/);
  });

  it('rejects a missing or ill-typed process', async () => {
    await expectError(['{"type":"invoke","f":"read"}'], 1, /no "process"/, /nemesis/);
    await expectError(['{"process":[1],"type":"invoke","f":"read"}'], 1, /"process" cannot be \[1\]/);
    await expectError(['{"process":1.5,"type":"invoke","f":"read"}'], 1, /"process" cannot be 1.5/);
    await expectError(['{"process":null,"type":"invoke","f":"read"}'], 1, /"process" cannot be null/);
    await expectError(['{"process":"3","type":"invoke","f":"read"}'], 1, /process "3" is a string/, /without quotes/);
  });

  it('rejects a missing or ill-typed type', async () => {
    await expectError([invokeRead, '{"process":1,"f":"read"}'], 2, /no "type"/);
    await expectError(['{"process":1,"type":7,"f":"read"}'], 1, /"type" cannot be 7/);
  });

  it('rejects a missing or ill-typed f', async () => {
    await expectError(['{"process":1,"type":"invoke"}'], 1, /no "f"/);
    await expectError(['{"process":1,"type":"invoke","f":{"op":"read"}}'], 1, /"f" cannot be \{"op":"read"\}/);
  });

  it('rejects a completion with no open invoke', async () => {
    await expectError([invokeRead, okRead, okRead], 3, /ok for process 0 has no open invoke/, /same process/);
    await expectError(['{"process":4,"type":"fail","f":"cas"}'], 1, /fail for process 4 has no open invoke/);
  });

  it('rejects a second invoke while one is open', async () => {
    await expectError([invokeRead, '{"process":0,"type":"invoke","f":"write","value":3}'], 2, /invoke at line 1 is still open/);
  });

  it('rejects a process reused after its operation ended in info', async () => {
    const info = '{"process":0,"type":"info","f":"read","error":"timed-out"}';
    await expectError([invokeRead, info, invokeRead], 3, /ended in info at line 2/, /fresh process/);
    await expectError([invokeRead, info, okRead], 3, /no open invoke \(its operation ended in info at line 2\)/);
  });

  it('rejects a completion whose f differs from its invoke', async () => {
    await expectError([invokeRead, '{"process":0,"type":"ok","f":"write"}'], 2, /f "write" but .* \(line 1\) has f "read"/);
  });

  it('rejects lines that are not objects, bad indexes, times and keys', async () => {
    await expectError(['[1,2]'], 1, /must be an object/);
    await expectError(['"text"'], 1, /must be an object/);
    await expectError(['{"index":-1,"process":0,"type":"invoke","f":"read"}'], 1, /"index" cannot be -1/);
    await expectError(['{"index":5,"process":0,"type":"invoke","f":"read"}', '{"index":5,"process":0,"type":"ok","f":"read"}'], 2, /index 5 does not increase/);
    await expectError(['{"time":"soon","process":0,"type":"invoke","f":"read"}'], 1, /"time" cannot be "soon"/);
    await expectError(['{"key":[1],"process":0,"type":"invoke","f":"read"}'], 1, /"key" cannot be \[1\]/);
  });
});

describe('HistoryValidator: what passes', () => {
  const source = { file: 'memory', line: 1 };

  it('says a number too large for a double is out of range, not "null"', async () => {
    // JSON.parse turns 1e400 into Infinity, which JSON.stringify prints as null.
    await expectError(['{"time":1e400,"process":0,"type":"invoke","f":"read"}'], 1, /"time" is out of range: a number too large/);
    await expectError(['{"time":-1e400,"process":0,"type":"invoke","f":"read"}'], 1, /"time" is out of range: a negative number too large/);
    await expectError(['{"index":1e400,"process":0,"type":"invoke","f":"read"}'], 1, /"index" is out of range/);
    await expectError(['{"process":1e400,"type":"invoke","f":"read"}'], 1, /"process" is out of range/);
  });

  it('passes nemesis info events through without pairing', () => {
    const validator = new HistoryValidator();
    const start = validator.accept({ process: 'nemesis', type: 'info', f: 'start-partition', value: null }, source);
    const stop = validator.accept({ process: 'nemesis', type: 'info', f: 'stop-partition' }, source);
    assert.deepEqual([start.index, stop.index], [0, 1]);
    assert.equal(validator.count, 2);
  });

  it('assigns the position as index when it is missing, and drops a null key', () => {
    const validator = new HistoryValidator();
    validator.accept({ process: 0, type: 'invoke', f: 'read' }, source);
    const event = validator.accept({ process: 0, type: 'ok', f: 'read', key: null, value: 2 }, source);
    assert.deepEqual(event, { process: 0, type: 'ok', f: 'read', value: 2, index: 1 });
  });

  it('keeps given indexes with gaps, as long as they increase', () => {
    const validator = new HistoryValidator();
    validator.accept({ index: 3, process: 0, type: 'invoke', f: 'read' }, source);
    assert.equal(validator.accept({ index: 9, process: 0, type: 'fail', f: 'read' }, source).index, 9);
  });

  it('lets a process invoke again after ok and fail', () => {
    const validator = new HistoryValidator();
    for (const type of ['invoke', 'ok', 'invoke', 'fail', 'invoke']) {
      validator.accept({ process: 2, type, f: 'write', value: 1 }, source);
    }
    assert.equal(validator.count, 5);
  });

  it('throws HistoryError, not TypeError, for odd records', () => {
    const validator = new HistoryValidator();
    for (const record of [null, undefined, 5, 'x', [], Object.create(null) as object]) {
      assert.throws(() => validator.accept(record, source), HistoryError);
    }
  });
});
