/**
 * Test support: an in-memory system that speaks every workload vocabulary,
 * applying each operation atomically when it is invoked and answering after a
 * seeded latency, so its histories are correct by construction, unless a
 * deliberate bug is switched on. Proves that the workloads' vocabulary is the
 * one their checkers read.
 */
import { SeededRandom } from '../../common/random.js';
import type { Scheduler } from '../../harness/runtimes/index.js';
import type { FinalStates } from '../../checkers/checker.js';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../index.js';

export interface FakeBugs {
  /** Reads return the value before the latest write. */
  staleReads?: boolean;
  /** A lock is granted at once, held or not. */
  doubleGrant?: boolean;
  /** Every fourth id handed out repeats the one before. */
  repeatIds?: boolean;
  /** The fenced resource takes any token. */
  acceptStaleTokens?: boolean;
}

export interface FakeSystemOptions {
  scheduler: Scheduler;
  bugs?: FakeBugs;
  /** Answers take up to this long (uniform); 0 answers at once. */
  maxLatencyMs?: number;
  node?: string;
  seed?: number;
  /** A waiter gives up after this long, unknown (as the coordinator's lock recipe does); 1000 by default. */
  acquireTimeoutMs?: number;
}

interface LockState {
  holder: number | null;
  waiters: Array<() => void>;
}

type Done = (outcome: OperationOutcome) => void;

export class InMemorySystem {
  private readonly registers = new Map<string, number | null>();
  private readonly previous = new Map<string, number | null>();
  private readonly sequences = new Map<string, number>();
  private readonly locks = new Map<string, LockState>();
  private readonly resources = new Map<string, number>();
  /** Stands for the zxid: every change counts it up, so tokens grow. */
  private changes = 0;
  private idsHanded = 0;
  private readonly random: SeededRandom;
  private readonly bugs: FakeBugs;
  private readonly node: string;

  constructor(private readonly options: FakeSystemOptions) {
    this.random = new SeededRandom(options.seed ?? 1);
    this.bugs = options.bugs ?? {};
    this.node = options.node ?? 'n1';
  }

  client(process: number): WorkloadClient {
    return { invoke: (request, done) => this.apply(process, request, done), close: () => {} };
  }

  /** Every register as the one node holds it, for the convergence checker. */
  finalStates(): FinalStates {
    return { [this.node]: Object.fromEntries(this.registers) };
  }

  private apply(process: number, request: OperationRequest, done: Done): void {
    const key = request.key ?? '';
    const reply = this.replier(done);
    switch (request.f) {
      case 'read':
        return reply(this.ok(this.bugs.staleReads && this.previous.has(key) ? this.previous.get(key)! : (this.registers.get(key) ?? null)));
      case 'write':
        this.set(key, request.value as number);
        return reply(this.ok(request.value));
      case 'cas': {
        const [from, to] = request.value as [number, number];
        if ((this.registers.get(key) ?? null) !== from) return reply({ type: 'fail', error: 'compare-failed' });
        this.set(key, to);
        return reply(this.ok([from, to]));
      }
      case 'next':
        return reply(this.ok(this.nextId(key)));
      case 'enter':
      case 'exit':
        return reply(this.ok(null));
      case 'write-resource':
        return reply(this.writeResource(key, request.value));
      case 'acquire':
        return this.acquire(key, process, reply);
      case 'release':
        return reply(this.release(key, process));
      default:
        throw new Error(`the in-memory system has no operation ${request.f}`);
    }
  }

  private replier(done: Done): Done {
    const maxLatencyMs = this.options.maxLatencyMs ?? 5;
    return (outcome) => {
      const latencyMs = maxLatencyMs === 0 ? 0 : this.random.next() * maxLatencyMs;
      this.options.scheduler.after(latencyMs, 'in-memory system', () => done(outcome));
    };
  }

  private ok(value: unknown): OperationOutcome {
    return { type: 'ok', value, node: this.node };
  }

  private set(key: string, value: number): void {
    this.previous.set(key, this.registers.get(key) ?? null);
    this.registers.set(key, value);
    this.changes += 1;
  }

  private nextId(key: string): number {
    this.idsHanded += 1;
    const last = this.sequences.get(key);
    if (this.bugs.repeatIds && last !== undefined && this.idsHanded % 4 === 0) return last;
    const id = last === undefined ? 0 : last + 1;
    this.sequences.set(key, id);
    return id;
  }

  private acquire(key: string, process: number, reply: Done): void {
    let lock = this.locks.get(key);
    if (lock === undefined) this.locks.set(key, (lock = { holder: null, waiters: [] }));
    const grant = (): void => {
      lock.holder = process;
      this.changes += 1;
      reply(this.ok({ path: `/locks/${key}/lock-${this.changes}`, token: this.changes }));
    };
    if (lock.holder === null || this.bugs.doubleGrant) return grant();
    lock.waiters.push(grant);
    // Holders stop releasing when a run's time is up: waiters must not wait for ever.
    this.options.scheduler.after(this.options.acquireTimeoutMs ?? 1000, 'in-memory lock', () => {
      const position = lock.waiters.indexOf(grant);
      if (position < 0) return;
      lock.waiters.splice(position, 1);
      reply({ type: 'info', error: 'timeout' });
    });
  }

  private release(key: string, process: number): OperationOutcome {
    const lock = this.locks.get(key);
    if (lock === undefined || (lock.holder !== process && !this.bugs.doubleGrant)) return { type: 'fail', error: 'not-holder' };
    lock.holder = null;
    lock.waiters.shift()?.();
    return this.ok(null);
  }

  private writeResource(key: string, value: unknown): OperationOutcome {
    const token = (value as { token: number }).token;
    const highest = this.resources.get(key) ?? -Infinity;
    if (token < highest && !this.bugs.acceptStaleTokens) return { type: 'fail', error: 'stale-token' };
    this.resources.set(key, Math.max(token, highest));
    return this.ok({ token });
  }
}
