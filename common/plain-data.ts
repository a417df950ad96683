/**
 * Messages and stored values are plain JSON-like data, deep-frozen where they
 * enter the simulator (a send, a storage write) rather than copied: neither
 * the sender nor the receiver can change a message in flight, nor a writer
 * what it wrote, and a node that tries fails at once with a TypeError instead
 * of silently depending on a private copy. Freezing in place allocates
 * nothing, where copying every message cost the simulator about a third of
 * its time (allocation plus the garbage collection behind it).
 *
 * The freezing walk of a message also hashes its content in the same pass,
 * so the trace covers message content without building a string. Every
 * value is hashed in full; object keys, which the code rather than the data
 * chooses, only by their length and first and last characters, since hashing
 * every key in full was half the cost of the walk.
 *
 * Contract: an object frozen here is frozen bottom-up, so a frozen object is
 * taken to be deeply frozen and the storage walk stops there. Node code that
 * shallow-freezes an object of its own and stores it gives up that isolation.
 */
import assert from 'node:assert/strict';

const HASH_SEED = 0x2f0b3c5d;
const MAX_DEPTH = 64;

/** Freezes and hashes plain data in one walk; also hashes without freezing. */
export class PlainDataHasher {
  /** Hash of the value the last call walked. */
  hash = HASH_SEED;
  private readonly numberBits = new Float64Array(1);
  private readonly numberWords = new Uint32Array(this.numberBits.buffer);
  private freezing = false;

  /** Deep-freezes value in place and returns its content hash. */
  freezeAndHash(value: unknown): number {
    this.freezing = true;
    return this.walk(value);
  }

  /** The content hash alone; the value is left as it is. */
  hashOf(value: unknown): number {
    this.freezing = false;
    return this.walk(value);
  }

  private walk(value: unknown): number {
    this.hash = HASH_SEED;
    this.visit(value, 0);
    this.hash = finalize(this.hash);
    return this.hash;
  }

  private visit(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.hash = mixWord(this.hash, hashText(value));
        return;
      case 'number':
        this.mixNumber(value);
        return;
      case 'boolean':
        this.hash = mixWord(this.hash, value ? 0x11 : 0x12);
        return;
      case 'undefined':
        this.hash = mixWord(this.hash, 0x13);
        return;
      case 'object':
        if (value === null) {
          this.hash = mixWord(this.hash, 0x14);
          return;
        }
        if (depth >= MAX_DEPTH) assert.fail('plain data nested deeper than 64 levels (a cycle?)');
        if (Array.isArray(value)) this.visitArray(value, depth);
        else this.visitObject(value as Record<string, unknown>, depth);
        return;
      default:
        assert.fail(`messages and stored values must be plain JSON data, got a ${typeof value}`);
    }
  }

  private visitArray(source: unknown[], depth: number): void {
    const length = source.length;
    this.hash = mixWord(this.hash, 0x15 ^ (length << 8));
    for (let index = 0; index < length; index++) this.visit(source[index], depth + 1);
    if (this.freezing && !Object.isFrozen(source)) Object.freeze(source);
  }

  private visitObject(source: Record<string, unknown>, depth: number): void {
    checkPlainObject(source);
    this.hash = mixWord(this.hash, 0x16);
    for (const key in source) {
      this.hash = mixWord(this.hash, key.length ^ (key.charCodeAt(0) << 8) ^ (key.charCodeAt(key.length - 1) << 20));
      this.visit(source[key], depth + 1);
    }
    this.hash = mixWord(this.hash, 0x17);
    if (this.freezing && !Object.isFrozen(source)) Object.freeze(source);
  }

  private mixNumber(value: number): void {
    if ((value | 0) === value) {
      this.hash = mixWord(mixWord(this.hash, 0x18), value);
      return;
    }
    this.numberBits[0] = value;
    this.hash = mixWord(mixWord(this.hash, this.numberWords[0] as number), this.numberWords[1] as number);
  }
}

/** Deep-freezes a value to be stored, without hashing; subtrees already frozen are not walked again. */
export function deepFreeze<Value>(value: Value): Value {
  freezeSubtree(value, 0);
  return value;
}

function freezeSubtree(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) {
    const kind = typeof value;
    if (kind === 'function' || kind === 'symbol' || kind === 'bigint') assert.fail(`stored values must be plain JSON data, got a ${kind}`);
    return;
  }
  if (Object.isFrozen(value)) return;
  if (depth >= MAX_DEPTH) assert.fail('plain data nested deeper than 64 levels (a cycle?)');
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) freezeSubtree(value[index], depth + 1);
  } else {
    checkPlainObject(value as Record<string, unknown>);
    const source = value as Record<string, unknown>;
    for (const key in source) freezeSubtree(source[key], depth + 1);
  }
  Object.freeze(value);
}

function checkPlainObject(source: object): void {
  const prototype = Object.getPrototypeOf(source) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    assert.fail(`messages and stored values must be plain JSON data, got an instance of ${String((source.constructor as { name?: string } | undefined)?.name)}`);
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
