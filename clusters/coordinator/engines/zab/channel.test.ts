import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../world.js';
import { HOLD_BACK_LIMIT, IncomingStream, OutgoingStream, RESEND_BUFFER_MESSAGES, type Sequenced } from './channel.js';

type Numbered = Message & Sequenced;

function send(outgoing: OutgoingStream, label: string): Numbered {
  const message: Numbered = { type: 'zab.test', label, stream: outgoing.stream, seq: outgoing.take() };
  outgoing.record(message);
  return message;
}

function labels(messages: readonly Message[] | null): string[] | null {
  return messages === null ? null : messages.map((message) => message.label as string);
}

test('the leader end numbers messages and keeps the recent ones for resends', () => {
  const outgoing = new OutgoingStream(7);
  const sent = ['a', 'b', 'c'].map((label) => send(outgoing, label));
  assert.deepEqual(sent.map((message) => message.seq), [1, 2, 3]);
  assert.deepEqual(labels(outgoing.range(2, 3)), ['b', 'c']);
  assert.equal(outgoing.range(3, 4), null, 'seq 4 was never sent');
  assert.equal(outgoing.range(0, 1), null);
  for (let index = 0; index < RESEND_BUFFER_MESSAGES; index++) send(outgoing, `later${index}`);
  assert.equal(outgoing.range(1, 3), null, 'the oldest fell out of the buffer');
  assert.equal(outgoing.range(RESEND_BUFFER_MESSAGES + 3, RESEND_BUFFER_MESSAGES + 3)?.length, 1);
  assert.throws(() => outgoing.record({ type: 'zab.test', stream: 7, seq: 1 }), /right after it took its seq/);
});

test('the follower end delivers in order, holds back early messages, and names the gap', () => {
  const outgoing = new OutgoingStream(9);
  const [first, second, third, fourth] = ['a', 'b', 'c', 'd'].map((label) => send(outgoing, label)) as Numbered[];
  const incoming = new IncomingStream();
  assert.equal(incoming.accept(first as Numbered), 'deliver');
  assert.equal(incoming.accept(fourth as Numbered), 'held');
  assert.equal(incoming.accept(third as Numbered), 'held');
  assert.deepEqual(incoming.missing(), { fromSeq: 2, throughSeq: 2 });
  assert.equal(incoming.takeNext(), undefined, 'the gap is still open');
  assert.equal(incoming.accept(second as Numbered), 'deliver');
  assert.deepEqual([incoming.takeNext()?.label, incoming.takeNext()?.label, incoming.takeNext()], ['c', 'd', undefined]);
  assert.equal(incoming.missing(), null);
  assert.equal(incoming.accept(third as Numbered), 'duplicate');
  assert.equal(incoming.delivered, 4);
});

test('a message of another stream, or a gap past all reason, ends the connection', () => {
  const incoming = new IncomingStream();
  assert.equal(incoming.accept({ type: 'zab.test', stream: 1, seq: 1 }), 'deliver');
  assert.equal(incoming.accept({ type: 'zab.test', stream: 2, seq: 2 }), 'other-stream');
  for (let seq = 3; seq < 3 + HOLD_BACK_LIMIT; seq++) assert.equal(incoming.accept({ type: 'zab.test', stream: 1, seq }), 'held');
  assert.equal(incoming.accept({ type: 'zab.test', stream: 1, seq: 3 + HOLD_BACK_LIMIT }), 'overflow');
  assert.deepEqual(incoming.missing(), { fromSeq: 2, throughSeq: 2 });
});
