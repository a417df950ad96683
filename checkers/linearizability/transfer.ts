/**
 * Operations packed into columns for a worker thread: structured clone copies
 * a few arrays of primitives and typed arrays far faster than half a million
 * small objects (500k kv operations: about 1.8 s of CPU as objects).
 */
import type { Operation } from '../../common/history/types.js';
import type { RankedPart } from './check.js';

const STATUSES = ['ok', 'fail', 'info'] as const;

export interface PackedPart {
  key: string | null;
  rank: number;
  /** ids, call and return indexes, call and return times (NaN when absent), five per operation. */
  numbers: Float64Array;
  status: Uint8Array;
  process: Operation['process'][];
  f: string[];
  /** The operation's key as the history wrote it (a number stays a number). */
  operationKey: Operation['key'][];
  input: unknown[];
  /** 1 where the output is the input (most operations), so it is copied once. */
  outputIsInput: Uint8Array;
  output: unknown[];
  /** Sparse: most operations have no error. */
  errors: [number, unknown][];
}

const FIELDS = 5;

export function packPart(part: RankedPart): PackedPart {
  const operations = part.operations;
  const count = operations.length;
  const numbers = new Float64Array(count * FIELDS);
  const packed: PackedPart = {
    key: part.key,
    rank: part.rank,
    numbers,
    status: new Uint8Array(count),
    process: new Array(count),
    f: new Array(count),
    operationKey: new Array(count),
    input: new Array(count),
    outputIsInput: new Uint8Array(count),
    output: new Array(count),
    errors: [],
  };
  for (let index = 0; index < count; index++) {
    const operation = operations[index]!;
    const base = index * FIELDS;
    numbers[base] = operation.id;
    numbers[base + 1] = operation.callIndex;
    numbers[base + 2] = operation.returnIndex;
    numbers[base + 3] = operation.callTime ?? Number.NaN;
    numbers[base + 4] = operation.returnTime ?? Number.NaN;
    packed.status[index] = STATUSES.indexOf(operation.status);
    packed.process[index] = operation.process;
    packed.f[index] = operation.f;
    packed.operationKey[index] = operation.key;
    packed.input[index] = operation.input;
    if (operation.output === operation.input) packed.outputIsInput[index] = 1;
    else packed.output[index] = operation.output;
    if (operation.error !== undefined) packed.errors.push([index, operation.error]);
  }
  return packed;
}

/** The buffers postMessage can move instead of copying. */
export function transferables(packed: PackedPart): ArrayBuffer[] {
  return [packed.numbers.buffer, packed.status.buffer, packed.outputIsInput.buffer] as ArrayBuffer[];
}

export function unpackPart(packed: PackedPart): RankedPart {
  const { numbers } = packed;
  const count = packed.status.length;
  const operations: Operation[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const base = index * FIELDS;
    const operation: Operation = {
      id: numbers[base]!,
      process: packed.process[index]!,
      f: packed.f[index]!,
      input: packed.input[index],
      output: packed.outputIsInput[index] === 1 ? packed.input[index] : packed.output[index],
      status: STATUSES[packed.status[index]!]!,
      callIndex: numbers[base + 1]!,
      returnIndex: numbers[base + 2]!,
    };
    const key = packed.operationKey[index];
    if (key !== undefined) operation.key = key;
    if (!Number.isNaN(numbers[base + 3]!)) operation.callTime = numbers[base + 3]!;
    if (!Number.isNaN(numbers[base + 4]!)) operation.returnTime = numbers[base + 4]!;
    operations[index] = operation;
  }
  for (const [index, error] of packed.errors) operations[index]!.error = error;
  return { key: packed.key, rank: packed.rank, operations };
}

/**
 * As in pairing (common/history/pair.ts): operations unpacked once here with
 * times that are not integers make the time fields doubles from the start, so
 * a time past 2^31 does not move every operation unpacked before it.
 */
function settleTimeFields(): void {
  for (const error of [undefined, 'error']) {
    const operation: Operation = { id: 0, process: 0, f: 'f', key: 'key', input: null, output: null, status: 'ok', callIndex: 0, returnIndex: 1, callTime: 0.5, returnTime: 1.5 };
    if (error !== undefined) operation.error = error;
    unpackPart(packPart({ key: 'key', rank: 0, operations: [operation] }));
  }
}
settleTimeFields();
