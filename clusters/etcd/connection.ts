/**
 * One etcd3 client pinned to one member, with etcd3's fault handling off and
 * a deadline on every call.
 *
 * etcd3 by default retries a failed call three times on other members and
 * puts a 5 s circuit breaker on each: an op could then be applied twice, by
 * a member we never learn of. Its docs' `Policy.noop` is undefined with
 * cockatiel 3 (and then the defaults stay on, silently), so the policy that
 * just runs the call once is written here. Pinning to one member makes an
 * ok name the member that served it.
 */
import { Etcd3, EtcdLeaseInvalidError, GRPCDeadlineExceededError, type IOptions } from 'etcd3';

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

const noEvent = (): { dispose(): void } => ({ dispose: () => undefined });

/** Runs the call once: no retry, no breaker, no other member. */
export const RUN_ONCE: Policy = {
  onSuccess: noEvent,
  onFailure: noEvent,
  execute: (fn: (context: { signal: AbortSignal }) => unknown, signal?: AbortSignal) => Promise.resolve().then(() => fn({ signal: signal ?? new AbortController().signal })),
} as unknown as Policy;

/** A call's end: its value; a definite failure (never applied); or unknown (it may have been applied). */
export type EtcdCallResult<T> = { type: 'ok'; value: T } | { type: 'fail'; error: string } | { type: 'info'; error: string };

/** grpc-js's words for a call that never left: no connection to send it on. */
const NEVER_SENT = /No connection established|ECONNREFUSED|failed to connect|Connection refused/i;
/** Answers that say the request was refused, not applied. */
const DEFINITE_ERRORS = ['GRPCInvalidArgumentError', 'GRPCNotFoundError', 'GRPCAlreadyExistsError', 'GRPCFailedPreconditionError', 'GRPCOutOfRangeError', 'GRPCNotImplementedError', 'GRPCUnauthenticatedError', 'EtcdPermissionDeniedError'];

export interface EtcdConnectionOptions {
  node: string;
  url: string;
  callTimeoutMs: number;
}

export class EtcdConnection {
  readonly client: Etcd3;
  readonly node: string;
  private closed = false;

  constructor(private readonly options: EtcdConnectionOptions) {
    this.node = options.node;
    this.client = new Etcd3({
      hosts: [options.url],
      dialTimeout: options.callTimeoutMs,
      faultHandling: { host: () => RUN_ONCE, global: RUN_ONCE },
      // gRPC deadlines are wall-clock instants; the call's own timer below is the one that decides.
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + options.callTimeoutMs + 1_000 }),
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs one etcd3 call under the deadline; no answer in time is unknown ("timeout"). */
  call<T>(start: (client: Etcd3) => Promise<T>): Promise<EtcdCallResult<T>> {
    if (this.closed) return Promise.resolve({ type: 'fail', error: 'not-connected' });
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => finish({ type: 'info', error: 'timeout' }), this.options.callTimeoutMs);
      function finish(result: EtcdCallResult<T>): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
      start(this.client).then(
        (value) => finish({ type: 'ok', value }),
        (error: unknown) => finish(classify(error)),
      );
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }
}

/** How an etcd3 error ends an operation. */
export function classify(error: unknown): { type: 'fail' | 'info'; error: string } {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.constructor.name : 'Error';
  if (NEVER_SENT.test(message)) return { type: 'fail', error: 'not-connected' };
  if (error instanceof GRPCDeadlineExceededError) return { type: 'info', error: 'timeout' };
  if (error instanceof EtcdLeaseInvalidError) return { type: 'fail', error: 'lease-not-found' };
  if (DEFINITE_ERRORS.includes(name)) return { type: 'fail', error: errorWords(message) };
  return { type: 'info', error: errorWords(message) };
}

/** "etcdserver: request timed out" -> "request-timed-out"; a gRPC status prefix goes too. */
function errorWords(message: string): string {
  const server = /etcdserver: ([^\n]+)/.exec(message)?.[1];
  const text = server ?? message.replace(/^\d+ [A-Z_]+: /, '');
  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'unknown-error';
}
