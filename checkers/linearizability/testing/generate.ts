/**
 * Histories made by running a sequential register (or a kv store) under
 * random concurrency: each operation takes effect at one instant between its
 * invocation and its completion, so every history made here is linearizable
 * by construction. Used by the property tests and the benchmarks.
 */
import assert from 'node:assert/strict';
import type { HistoryEvent } from '../../../common/history/types.js';
import { SeededRandom } from '../../../common/random.js';
import { BinaryHeap } from './heap.js';

export interface GenerateOptions {
  seed: number;
  operations: number;
  processes: number;
  keys: number;
  /** Share of operations whose completion is lost (info). */
  infoRate?: number;
  /** Largest value written; small ranges make reads ambiguous and the search harder. */
  valueRange?: number;
  /** Mean invoke-to-completion latency, in nanoseconds. */
  meanLatencyNs?: number;
  /** register: read/write/cas of integers; kv: get/put/append of strings. Default register. */
  flavor?: 'register' | 'kv';
}

interface Pending {
  process: number;
  key: string;
  f: 'read' | 'write' | 'cas' | 'get' | 'put' | 'append';
  input: unknown;
  output: unknown;
  status: 'ok' | 'fail' | 'info';
}

type Step = { time: number; kind: 'invoke' | 'apply' | 'complete'; slot: number };

/** Calls onEvent for each event in order; returns the number of events. */
export function generateRegisterHistory(options: GenerateOptions, onEvent: (event: HistoryEvent) => void): number {
  const random = new SeededRandom(options.seed);
  const infoRate = options.infoRate ?? 0.01;
  const valueRange = options.valueRange ?? 1_000_000;
  const meanLatencyNs = options.meanLatencyNs ?? 1_000_000;
  assert.ok(options.processes > 0 && options.keys > 0, 'need at least one process and one key');
  const registers = new Map<string, unknown>();
  const kv = options.flavor === 'kv';
  const pending: (Pending | null)[] = new Array(options.processes).fill(null);
  const processIds = Array.from({ length: options.processes }, (_, slot) => slot);
  const queue = new BinaryHeap<Step>((left, right) => left.time - right.time);
  let nextProcess = options.processes;
  let invoked = 0;
  let index = 0;
  for (let slot = 0; slot < options.processes; slot++) queue.push({ time: random.integer(0, 1000), kind: 'invoke', slot });
  while (queue.size > 0) {
    const step = queue.pop()!;
    const slot = step.slot;
    if (step.kind === 'invoke') {
      if (invoked >= options.operations) continue;
      invoked++;
      const operation = (kv ? chooseKvOperation : chooseOperation)(random, processIds[slot]!, options.keys, valueRange);
      pending[slot] = operation;
      onEvent({ index: index++, time: step.time, process: operation.process, type: 'invoke', f: operation.f, key: operation.key, value: operation.input });
      const applyAt = step.time + 1 + exponential(random, meanLatencyNs / 2);
      queue.push({ time: applyAt, kind: 'apply', slot });
      continue;
    }
    const operation = pending[slot]!;
    if (step.kind === 'apply') {
      const lost = random.chance(infoRate);
      // A lost operation takes effect or not, at random; nobody learns which.
      if (!lost || random.chance(0.5)) (kv ? applyKvOperation : applyOperation)(registers, operation);
      if (lost) operation.status = 'info';
      queue.push({ time: step.time + 1 + exponential(random, meanLatencyNs / 2), kind: 'complete', slot });
      continue;
    }
    const value = operation.status === 'ok' ? operation.output : operation.input;
    onEvent({ index: index++, time: step.time, process: operation.process, type: operation.status, f: operation.f, key: operation.key, value });
    pending[slot] = null;
    if (operation.status === 'info') processIds[slot] = nextProcess++;
    queue.push({ time: step.time + 1 + exponential(random, meanLatencyNs / 4), kind: 'invoke', slot });
  }
  return index;
}

function chooseOperation(random: SeededRandom, process: number, keys: number, valueRange: number): Pending {
  const key = `k${random.integer(0, keys)}`;
  const roll = random.next();
  if (roll < 0.5) return { process, key, f: 'read', input: null, output: null, status: 'ok' };
  const value = random.integer(0, valueRange);
  if (roll < 0.8) return { process, key, f: 'write', input: value, output: value, status: 'ok' };
  const from = random.integer(0, valueRange);
  return { process, key, f: 'cas', input: [from, value], output: [from, value], status: 'ok' };
}

/** Porcupine's kv test data in shape: appends of "x <process> <sequence> y", gets, a few puts. */
function chooseKvOperation(random: SeededRandom, process: number, keys: number, valueRange: number): Pending {
  const key = `k${random.integer(0, keys)}`;
  const roll = random.next();
  if (roll < 0.5) return { process, key, f: 'get', input: null, output: null, status: 'ok' };
  const value = `x ${process} ${random.integer(0, valueRange)} y`;
  return { process, key, f: roll < 0.95 ? 'append' : 'put', input: value, output: value, status: 'ok' };
}

function applyKvOperation(registers: Map<string, unknown>, operation: Pending): void {
  const current = (registers.get(operation.key) as string | undefined) ?? '';
  if (operation.f === 'get') operation.output = current;
  else registers.set(operation.key, operation.f === 'put' ? operation.input : current + (operation.input as string));
}

function applyOperation(registers: Map<string, unknown>, operation: Pending): void {
  const current = registers.get(operation.key) ?? null;
  if (operation.f === 'read') {
    operation.output = current;
  } else if (operation.f === 'write') {
    registers.set(operation.key, operation.input as number);
  } else {
    const [from, to] = operation.input as [number, number];
    if (current === from) registers.set(operation.key, to);
    else if (operation.status === 'ok') operation.status = 'fail';
  }
}

function exponential(random: SeededRandom, mean: number): number {
  return Math.floor(-Math.log(1 - random.next()) * mean);
}
