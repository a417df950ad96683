import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { collect, rejectsWithHistoryError, temporaryDirectory } from './fixtures.js';
import { formatEvent, readJsonl, readJsonlBatches } from './jsonl.js';
import type { HistoryEvent } from './types.js';

const files = temporaryDirectory();
after(() => files.remove());

const SAMPLE = [
  '{"index":0,"time":1520000,"process":3,"type":"invoke","f":"write","key":"k1","value":5}',
  '',
  '{"index":1,"time":4310000,"process":3,"type":"ok","f":"write","key":"k1","value":5}',
  '   ',
  '{"index":2,"time":5000000,"process":"nemesis","type":"info","f":"start-partition","value":{"groups":[["n1"],["n2","n3"]]}}',
].join('\n');

describe('readJsonl', () => {
  it('reads events, skipping blank lines', async () => {
    const events = await collect(readJsonl(files.write('sample.jsonl', SAMPLE)));
    assert.equal(events.length, 3);
    assert.deepEqual(events[0], {
      index: 0, time: 1520000, process: 3, type: 'invoke', f: 'write', key: 'k1', value: 5,
    });
    assert.deepEqual(events[2]?.value, { groups: [['n1'], ['n2', 'n3']] });
  });

  it('assigns the position as index when the file has none', async () => {
    const path = files.write('no-index.jsonl', '{"process":1,"type":"invoke","f":"read"}\n\n{"process":1,"type":"ok","f":"read","value":3}\n');
    const events = await collect(readJsonl(path));
    assert.deepEqual(events.map((event) => event.index), [0, 1]);
  });

  it('names file:line for a malformed line, counting blank lines', async () => {
    const path = files.write('malformed.jsonl', `${SAMPLE.split('\n').slice(0, 2).join('\n')}\n{"process":3,"type":"ok",\n`);
    await rejectsWithHistoryError(collect(readJsonl(path)), {
      where: `${path}:3`,
      message: /malformed JSON/,
      hint: /complete JSON object/,
    });
  });

  it('hints at JSON Lines when given a JSON array', async () => {
    const path = files.write('array.json', '[\n{"process":0,"type":"invoke","f":"read"}\n]\n');
    await rejectsWithHistoryError(collect(readJsonl(path)), { where: `${path}:1`, hint: /JSON array/ });
  });

  it('accepts a byte-order mark and CRLF line ends', async () => {
    const path = files.write('bom.jsonl', '\ufeff{"process":0,"type":"invoke","f":"read"}\r\n{"process":0,"type":"ok","f":"read","value":null}\r\n');
    const events = await collect(readJsonl(path));
    assert.deepEqual(events.map((event) => event.type), ['invoke', 'ok']);
  });

  it('reads an empty file as an empty history', async () => {
    assert.deepEqual(await collect(readJsonl(files.write('empty.jsonl', ''))), []);
  });

  it('hands events over in batches of at most 1024', async () => {
    const lines: string[] = [];
    for (let operation = 0; operation < 1500; operation++) {
      lines.push(`{"process":${operation % 7},"type":"invoke","f":"read"}`, `{"process":${operation % 7},"type":"ok","f":"read","value":1}`);
    }
    const batches = await collect(readJsonlBatches(files.write('batches.jsonl', lines.join('\n'))));
    assert.deepEqual(batches.map((batch) => batch.length), [1024, 1024, 952]);
  });

  it('stops reading when the consumer breaks early', async () => {
    const path = files.write('break.jsonl', SAMPLE);
    let seen = 0;
    for await (const event of readJsonl(path)) {
      seen += event.index >= 0 ? 1 : 0;
      break;
    }
    assert.equal(seen, 1);
  });

  it('reports a missing file as a HistoryError', async () => {
    const path = `${files.directory}/missing.jsonl`;
    await rejectsWithHistoryError(collect(readJsonl(path)), { where: path, message: /not found/ });
  });
});

describe('formatEvent', () => {
  it('writes the keys in DESIGN.md order and leaves out absent ones', () => {
    const event = { value: [1, 2], f: 'cas', type: 'invoke', process: 2, index: 7 } as HistoryEvent;
    assert.equal(formatEvent(event), '{"index":7,"process":2,"type":"invoke","f":"cas","value":[1,2]}');
  });

  it('keeps null values and errors, and every field in order', () => {
    const event: HistoryEvent = {
      error: 'timed-out', value: null, key: 'k', f: 'read', type: 'fail', process: 1, time: 10, index: 3,
    };
    assert.equal(
      formatEvent(event),
      '{"index":3,"time":10,"process":1,"type":"fail","f":"read","key":"k","value":null,"error":"timed-out"}',
    );
  });

  it('round-trips through readJsonl', async () => {
    const events = await collect(readJsonl(files.write('round.jsonl', SAMPLE)));
    const path = files.write('round-trip.jsonl', `${events.map(formatEvent).join('\n')}\n`);
    assert.deepEqual(await collect(readJsonl(path)), events);
    assert.equal(formatEvent(events[0]!), SAMPLE.split('\n')[0]);
  });
});
