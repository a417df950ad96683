/**
 * One TCP connection carrying frames (framing.ts), as both ends use it: Nagle
 * off, the frames written in one tick go out in one write (cork/uncork),
 * writes beyond a byte bound are dropped as a congested network would drop
 * them, and the first frame names the sender (hello). A malformed frame, or
 * a handler that throws on a message it cannot make sense of, closes this
 * connection only.
 */
import type net from 'node:net';
import type { Address, Message } from '../world.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, FrameError, encodeFrame } from './framing.js';

export const HELLO_TYPE = 'hello';
const MAX_ADDRESS_LENGTH = 128;

/** Unsent bytes a connection may hold before it drops new messages. */
export const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export interface ConnectionOptions {
  /** Called for every message after the hello, with the name the hello gave. */
  onMessage(from: Address, message: Message): void;
  /** Called once the hello has named the other end. */
  onHello?(from: Address): void;
  onClose?(): void;
  /** The other end's name when we dialled it: then no hello is expected from it. */
  remote?: Address;
  log?(line: string): void;
  maxFrameBytes?: number;
  maxQueuedBytes?: number;
}

export class FramedConnection {
  private remoteName: Address | null = null;
  private readonly decoder: FrameDecoder;
  private corked = false;
  private closed = false;

  constructor(readonly socket: net.Socket, private readonly options: ConnectionOptions) {
    this.remoteName = options.remote ?? null;
    this.decoder = new FrameDecoder(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', (error) => this.log(`connection ${this.describe()}: ${error.message}`));
    socket.on('close', () => {
      this.closed = true;
      this.options.onClose?.();
    });
  }

  get remote(): Address | null {
    return this.remoteName;
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  sendHello(self: Address): void {
    this.send({ type: HELLO_TYPE, from: self });
  }

  /** Queues one message; false when it was dropped (closed, congested or too large). */
  send(message: Message): boolean {
    if (!this.isOpen) return false;
    let frame: Buffer;
    try {
      frame = encodeFrame(message, this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.log(`dropped a message to ${this.describe()}: ${error.message}`);
      return false;
    }
    if (this.socket.writableLength + frame.length > (this.options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES)) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    return true;
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    let messages: Message[];
    try {
      messages = this.decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      return this.abort(`malformed frame: ${error.message}`);
    }
    for (const message of messages) {
      if (this.closed) return;
      if (this.remoteName === null) {
        const from = message.from;
        if (message.type !== HELLO_TYPE || typeof from !== 'string' || from.length === 0 || from.length > MAX_ADDRESS_LENGTH) {
          return this.abort('the first frame must be a hello naming the sender');
        }
        this.remoteName = from;
        this.options.onHello?.(from);
        continue;
      }
      try {
        this.options.onMessage(this.remoteName, message);
      } catch (error) {
        // A bug of the core is an assertion and stops the process; anything else came from a message it could not read.
        if ((error as Error)?.name === 'AssertionError') throw error;
        return this.abort(`message ${message.type} could not be handled: ${(error as Error)?.message ?? error}`);
      }
    }
  }

  private abort(why: string): void {
    this.log(`closing connection ${this.describe()}: ${why}`);
    this.close();
  }

  private describe(): string {
    return `${this.remoteName ?? '?'} (${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'})`;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
