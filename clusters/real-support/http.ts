/**
 * One HTTP exchange for the real systems' probes, without keep-alive (no
 * socket outlives it) and with a deadline: a paused or cut-off node must not
 * hold up a probe of the others.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

/** No answer of ours is larger (etcd's metrics are about 100 kB). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Rejects on error, timeout or an oversized body; any status resolves. */
export function httpRequest(url: string, method: 'GET' | 'POST', body: string | undefined, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method, agent: false, timeout: timeoutMs, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) call.destroy(new Error(`${url}: body over ${MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    const timer = setTimeout(() => call.destroy(new Error(`${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
    call.on('close', () => clearTimeout(timer));
    call.on('error', reject);
    call.end(body);
  });
}

/** The body of a 200 answer; rejects on any other status. */
export async function httpText(url: string, method: 'GET' | 'POST', body: string | undefined, timeoutMs: number): Promise<string> {
  const answer = await httpRequest(url, method, body, timeoutMs);
  if (answer.status !== 200) throw new Error(`${url}: HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
  return answer.text;
}
