/**
 * A copy of plain JSON-like data that also hashes what it copies, in one walk.
 * Messages are copied at send so that neither the sender nor the receiver can
 * change a message in flight; the hash lets the trace cover message content
 * without building a string. structuredClone would be several times slower on
 * the small objects protocols send.
 */
import assert from 'node:assert/strict';

const HASH_SEED = 0x2f0b3c5d;
const MAX_DEPTH = 64;

export class PlainDataCloner {
  /** Hash of the value the last clone() copied. */
  hash = HASH_SEED;
  private readonly numberBits = new Float64Array(1);
  private readonly numberWords = new Uint32Array(this.numberBits.buffer);

  clone<Value>(value: Value): Value {
    this.hash = HASH_SEED;
    const copy = this.copy(value, 0) as Value;
    this.hash = finalize(this.hash);
    return copy;
  }

  private copy(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        this.mixString(value);
        return value;
      case 'number':
        this.mixNumber(value);
        return value;
      case 'boolean':
        this.mix(value ? 0x11 : 0x12);
        return value;
      case 'undefined':
        this.mix(0x13);
        return undefined;
      case 'object':
        if (value === null) {
          this.mix(0x14);
          return null;
        }
        assert.ok(depth < MAX_DEPTH, 'plain data nested deeper than 64 levels (a cycle?)');
        return Array.isArray(value) ? this.copyArray(value, depth) : this.copyObject(value as Record<string, unknown>, depth);
      default:
        assert.fail(`messages and stored values must be plain JSON data, got a ${typeof value}`);
    }
  }

  private copyArray(source: readonly unknown[], depth: number): unknown[] {
    const length = source.length;
    this.mix(0x15 ^ (length << 8));
    const copy = new Array<unknown>(length);
    for (let index = 0; index < length; index++) copy[index] = this.copy(source[index], depth + 1);
    return copy;
  }

  private copyObject(source: Record<string, unknown>, depth: number): Record<string, unknown> {
    const prototype = Object.getPrototypeOf(source) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      assert.fail(`messages and stored values must be plain JSON data, got an instance of ${String((source.constructor as { name?: string } | undefined)?.name)}`);
    }
    this.mix(0x16);
    const copy: Record<string, unknown> = {};
    for (const key in source) {
      this.mixString(key);
      copy[key] = this.copy(source[key], depth + 1);
    }
    this.mix(0x17);
    return copy;
  }

  private mixNumber(value: number): void {
    if ((value | 0) === value) {
      this.mix(0x18);
      this.mix(value);
      return;
    }
    this.numberBits[0] = value;
    this.mix(this.numberWords[0] as number);
    this.mix(this.numberWords[1] as number);
  }

  private mixString(text: string): void {
    this.mix(hashText(text));
  }

  private mix(word: number): void {
    this.hash = mixWord(this.hash, word);
  }
}

/** A string's own hash, mixed into the content hash as one word. */
function hashText(text: string): number {
  const length = text.length;
  // FNV-1a over pairs of UTF-16 units: two operations a pair keeps long strings cheap,
  // and the caller's murmur round spreads the result. The length keeps ("ab", "c") apart from ("a", "bc").
  let hash = 0x811c9dc5 ^ length;
  let index = 0;
  for (; index + 1 < length; index += 2) hash = Math.imul(hash ^ (text.charCodeAt(index) | (text.charCodeAt(index + 1) << 16)), 0x01000193);
  if (index < length) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash;
}

/** A copy of plain JSON-like data, for when no hash is wanted (storage). */
export function copyPlainData<Value>(value: Value): Value {
  return copyWithoutHash(value, 0) as Value;
}

function copyWithoutHash(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    const kind = typeof value;
    if (kind === 'function' || kind === 'symbol' || kind === 'bigint') assert.fail(`stored values must be plain JSON data, got a ${kind}`);
    return value;
  }
  assert.ok(depth < MAX_DEPTH, 'plain data nested deeper than 64 levels (a cycle?)');
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = copyWithoutHash(value[index], depth + 1);
    return copy;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) assert.fail('stored values must be plain JSON data, got a class instance');
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key in source) copy[key] = copyWithoutHash(source[key], depth + 1);
  return copy;
}

/** One round of murmur3's 32-bit body: cheap, and every input bit reaches the state. */
export function mixWord(hash: number, word: number): number {
  let key = Math.imul(word, 0xcc9e2d51);
  key = (key << 15) | (key >>> 17);
  key = Math.imul(key, 0x1b873593);
  let mixed = hash ^ key;
  mixed = (mixed << 13) | (mixed >>> 19);
  return (Math.imul(mixed, 5) + 0xe6546b64) | 0;
}

/** murmur3's finalizer, so that similar inputs give unrelated hashes. */
export function finalize(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}
