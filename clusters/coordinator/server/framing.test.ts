/** Frames: split and joined chunks decode to the same messages; oversized and malformed frames are errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder, FrameError, encodeFrame } from './framing.js';

test('messages survive any chunking of the byte stream', () => {
  const messages = [{ type: 'a', n: 1 }, { type: 'b', text: 'héllo ✓'.repeat(50) }, { type: 'c', nested: { list: [1, 2, 3] } }];
  const stream = Buffer.concat(messages.map((message) => encodeFrame(message)));
  for (const chunkSize of [1, 2, 3, 7, 64, stream.length]) {
    const decoder = new FrameDecoder();
    const decoded = [];
    for (let offset = 0; offset < stream.length; offset += chunkSize) decoded.push(...decoder.push(stream.subarray(offset, offset + chunkSize)));
    assert.deepEqual(decoded, messages, `chunks of ${chunkSize}`);
  }
});

test('a frame longer than the limit is refused on both ends', () => {
  assert.throws(() => encodeFrame({ type: 'big', data: 'x'.repeat(200) }, 100), FrameError);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(1000, 0);
  assert.throws(() => new FrameDecoder(100).push(header), FrameError);
});

test('malformed payloads are FrameErrors, not crashes', () => {
  const frame = (text: string): Buffer => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length, 0);
    return Buffer.concat([header, payload]);
  };
  for (const text of ['{not json', '[1,2]', 'null', '{"type":5}', '"text"']) {
    assert.throws(() => new FrameDecoder().push(frame(text)), FrameError, text);
  }
});

test('a partial frame waits for the rest', () => {
  const decoder = new FrameDecoder();
  const frame = encodeFrame({ type: 'x', data: 'y'.repeat(10_000) });
  assert.deepEqual(decoder.push(frame.subarray(0, 5000)), []);
  assert.deepEqual(decoder.push(frame.subarray(5000, 9000)), []);
  assert.equal(decoder.push(frame.subarray(9000)).length, 1);
});
