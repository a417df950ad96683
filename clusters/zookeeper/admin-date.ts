/**
 * The JVM's wall clock as its admin server (Jetty) stamps it on an answer's
 * Date header: whole seconds, so the middle of that second is returned.
 */
import { httpRequest } from '../real-support/index.js';

export async function httpDate(url: string, timeoutMs: number): Promise<number> {
  const answer = await httpRequest(url, 'GET', undefined, timeoutMs);
  const stamped = Date.parse(answer.headers.date ?? '');
  if (Number.isNaN(stamped)) throw new Error(`${url}: no Date header`);
  return stamped + 500;
}
