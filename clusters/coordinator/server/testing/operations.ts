/** Promise wrappers around a WorkloadClient for tests: one op, or one op retried until ok (the test decides, not the client). */
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../../../workloads/index.js';
import { delay } from './process-cluster.js';

export function invoke(client: WorkloadClient, request: OperationRequest): Promise<OperationOutcome> {
  return new Promise((resolve) => client.invoke(request, resolve));
}

/** Retries through fresh clients (as a worker moves on after info) until ok or the deadline. */
export async function invokeUntilOk(open: () => WorkloadClient, request: OperationRequest, timeoutMs = 10_000): Promise<OperationOutcome> {
  const deadline = performance.now() + timeoutMs;
  let last: OperationOutcome = { type: 'info', error: 'never tried' };
  while (performance.now() < deadline) {
    const client = open();
    last = await invoke(client, request);
    client.close();
    if (last.type === 'ok') return last;
    await delay(50);
  }
  throw new Error(`${request.f} ${request.key} never succeeded: ${JSON.stringify(last)}`);
}
