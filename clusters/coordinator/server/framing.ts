/**
 * Length-prefixed JSON frames for the coordinator's TCP links: a 4-byte
 * big-endian payload length, then that many bytes of UTF-8 JSON. A frame
 * that is too large or does not parse to an object with a string `type` is
 * a FrameError: the connection carrying it is closed, the node lives on.
 */
import type { Message } from '../world.js';

const HEADER_BYTES = 4;

/** Large enough for a snapshot of a busy test cluster, small enough to refuse garbage lengths. */
export const DEFAULT_MAX_FRAME_BYTES = 32 * 1024 * 1024;

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeFrame(message: Message, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const payload = Buffer.from(JSON.stringify(message), 'utf8');
  if (payload.length > maxFrameBytes) throw new FrameError(`frame of ${payload.length} bytes exceeds ${maxFrameBytes}`);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/** Turns a byte stream back into messages; keeps a partial frame until the rest arrives. */
export class FrameDecoder {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** Bytes the frame at the head needs in all, once its header is known: spares re-joining a large frame per chunk. */
  private neededBytes = HEADER_BYTES;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** The messages completed by this chunk, in order; throws FrameError on a malformed frame. */
  push(chunk: Buffer): Message[] {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes < this.neededBytes) return [];
    this.neededBytes = HEADER_BYTES;
    let data = this.buffered.length === 1 ? chunk : Buffer.concat(this.buffered, this.bufferedBytes);
    const messages: Message[] = [];
    let offset = 0;
    while (data.length - offset >= HEADER_BYTES) {
      const length = data.readUInt32BE(offset);
      if (length > this.maxFrameBytes) throw new FrameError(`frame length ${length} exceeds ${this.maxFrameBytes}`);
      if (data.length - offset - HEADER_BYTES < length) {
        this.neededBytes = HEADER_BYTES + length;
        break;
      }
      const start = offset + HEADER_BYTES;
      messages.push(parseMessage(data.toString('utf8', start, start + length)));
      offset = start + length;
    }
    data = offset === data.length ? Buffer.alloc(0) : data.subarray(offset);
    this.buffered = data.length === 0 ? [] : [data];
    this.bufferedBytes = data.length;
    return messages;
  }
}

function parseMessage(text: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrameError('frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as Message).type !== 'string') {
    throw new FrameError('frame is not a message object with a string type');
  }
  return value as Message;
}
