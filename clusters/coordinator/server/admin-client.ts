/**
 * The harness's side of a node's admin endpoint (admin-server.ts). Every call
 * has a timeout and opens its own connection (no keep-alive), so a paused
 * or isolated node costs one timeout and leaves nothing open behind.
 */
import http from 'node:http';
import type { AdminStatus } from './admin-server.js';
import type { ClockReading, ClockSkewRequest } from './real-clock.js';

export type AdminClock = ClockReading;
export type { AdminStatus };

const DEFAULT_TIMEOUT_MS = 500;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const MAX_QUERY_CHARACTERS = 6000;

/** Splits keys into groups whose encoded, comma-joined length stays under the limit. */
function batchesOf(keys: string[], maxCharacters: number): string[][] {
  const batches: string[][] = [[]];
  let length = 0;
  for (const key of keys) {
    const keyLength = encodeURIComponent(key).length + 3;
    const current = batches[batches.length - 1] as string[];
    if (current.length > 0 && length + keyLength > maxCharacters) {
      batches.push([key]);
      length = keyLength;
    } else {
      current.push(key);
      length += keyLength;
    }
  }
  return batches;
}

export class AdminClient {
  private readonly base: URL;

  constructor(baseUrl: string, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.base = new URL(baseUrl);
  }

  status(): Promise<AdminStatus> {
    return this.request('GET', '/status') as Promise<AdminStatus>;
  }

  skewClock(skew: ClockSkewRequest): Promise<AdminClock> {
    return this.request('POST', '/clock', skew) as Promise<AdminClock>;
  }

  resetClock(): Promise<AdminClock> {
    return this.request('POST', '/clock/reset', {}) as Promise<AdminClock>;
  }

  /** Asks in batches whose URLs stay well under the server's header limit (16 KiB). */
  async registers(keys: string[]): Promise<Record<string, number | null>> {
    const values: Record<string, number | null> = {};
    for (const batch of batchesOf(keys, MAX_QUERY_CHARACTERS)) {
      const query = encodeURIComponent(batch.join(','));
      Object.assign(values, await this.request('GET', `/registers?keys=${query}`));
    }
    return values;
  }

  private request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.base);
    const name = `${method} ${url.origin}${url.pathname}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(url, {
        method,
        agent: false,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      const timer = setTimeout(() => request.destroy(new Error(`admin ${name} timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_RESPONSE_BYTES) request.destroy(new Error(`admin response from ${name} too large`));
          else chunks.push(chunk);
        });
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        response.on('end', () => {
          clearTimeout(timer);
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new Error(`admin ${name}: response is not JSON`));
          }
          if (response.statusCode !== 200) return reject(new Error(`admin ${name}: ${response.statusCode} ${(parsed as { error?: string })?.error ?? ''}`));
          resolve(parsed);
        });
      });
      request.end(payload);
    });
  }
}
