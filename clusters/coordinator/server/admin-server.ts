/**
 * The node's admin endpoint (node:http on the admin port), for the harness,
 * never for clients of the service:
 *
 *   GET  /status               role, epoch or term, leader, positions, digest, clock, pid
 *   POST /clock                {bumpMs?, rate?, strobe?: {amplitudeMs, periodMs}}: skews the clock
 *   POST /clock/reset          back to real time
 *   GET  /registers?keys=a,b   this replica's applied /registers/<key> values (no consensus)
 */
import http from 'node:http';
import type { ClockReading, ClockSkewRequest } from './real-clock.js';
import { CLOCK_RATE_RANGE, MAX_CLOCK_BUMP_MS } from './real-clock.js';

export interface AdminStatus {
  node: string;
  role: string;
  epoch: number;
  leader: string | null;
  commitPosition: unknown;
  appliedPosition: unknown;
  digest: string;
  clock: ClockReading;
  pid: number;
}

export interface AdminHandlers {
  status(): AdminStatus;
  skewClock(request: ClockSkewRequest): ClockReading;
  resetClock(): ClockReading;
  registers(keys: string[]): Record<string, number | null>;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_KEYS = 10_000;

class BadRequest extends Error {}

export async function startAdminServer(port: number, handlers: AdminHandlers): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    handle(request, handlers).then(
      (body) => reply(response, body === undefined ? 404 : 200, body ?? { error: `no such endpoint: ${request.method} ${request.url}` }),
      (error: unknown) => reply(response, error instanceof BadRequest ? 400 : 500, { error: (error as Error)?.message ?? String(error) }),
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

async function handle(request: http.IncomingMessage, handlers: AdminHandlers): Promise<unknown> {
  const url = new URL(request.url ?? '/', 'http://admin');
  const route = `${request.method} ${url.pathname}`;
  switch (route) {
    case 'GET /status':
      return handlers.status();
    case 'POST /clock':
      return handlers.skewClock(checkSkew(await readJson(request)));
    case 'POST /clock/reset':
      await readJson(request);
      return handlers.resetClock();
    case 'GET /registers': {
      const keys = (url.searchParams.get('keys') ?? '').split(',').filter((key) => key.length > 0);
      if (keys.length > MAX_KEYS) throw new BadRequest(`at most ${MAX_KEYS} keys`);
      return handlers.registers(keys);
    }
    default:
      return undefined;
  }
}

function checkSkew(body: unknown): ClockSkewRequest {
  if (typeof body !== 'object' || body === null) throw new BadRequest('the body must be a JSON object');
  const { bumpMs, rate, strobe } = body as Record<string, unknown>;
  const skew: ClockSkewRequest = {};
  if (bumpMs !== undefined) {
    if (typeof bumpMs !== 'number' || !Number.isFinite(bumpMs) || Math.abs(bumpMs) > MAX_CLOCK_BUMP_MS) throw new BadRequest('bumpMs must be a number of milliseconds within a year');
    skew.bumpMs = bumpMs;
  }
  if (rate !== undefined) {
    if (typeof rate !== 'number' || !(rate >= CLOCK_RATE_RANGE.min && rate <= CLOCK_RATE_RANGE.max)) throw new BadRequest(`rate must be within [${CLOCK_RATE_RANGE.min}, ${CLOCK_RATE_RANGE.max}]`);
    skew.rate = rate;
  }
  if (strobe !== undefined) {
    const { amplitudeMs, periodMs } = (strobe ?? {}) as Record<string, unknown>;
    const valid = typeof amplitudeMs === 'number' && typeof periodMs === 'number' && amplitudeMs >= 0 && amplitudeMs <= MAX_CLOCK_BUMP_MS && periodMs > 0 && periodMs <= MAX_CLOCK_BUMP_MS;
    if (!valid) throw new BadRequest('strobe must be {amplitudeMs >= 0, periodMs > 0}');
    skew.strobe = { amplitudeMs: amplitudeMs as number, periodMs: periodMs as number };
  }
  return skew;
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES) throw new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text.length === 0) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not valid JSON');
  }
}

function reply(response: http.ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
