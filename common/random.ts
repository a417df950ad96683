/**
 * Seeded pseudo-random streams. Every random choice in a run draws from a
 * stream derived from the run's one seed, so the same seed gives the same run.
 * xoshiro128** for speed and quality; streams are derived by name so that
 * adding a consumer does not shift the numbers another consumer sees.
 */
import assert from 'node:assert/strict';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [minInclusive, maxExclusive). */
  integer(minInclusive: number, maxExclusive: number): number;
}

/** 32-bit FNV-1a of a string, for deriving stream seeds from names. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function splitMix32(state: number): () => number {
  let value = state >>> 0;
  return () => {
    value = (value + 0x9e3779b9) >>> 0;
    let mixed = value;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b) >>> 0;
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35) >>> 0;
    return (mixed ^ (mixed >>> 16)) >>> 0;
  };
}

export class SeededRandom implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  readonly seed: number;

  constructor(seed: number) {
    assert.ok(Number.isSafeInteger(seed), `seed must be a safe integer, got ${seed}`);
    this.seed = seed;
    // Fold both halves of a 53-bit seed so large seeds stay distinct.
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x100000000) >>> 0;
    const next = splitMix32(low ^ Math.imul(high, 0x27d4eb2d));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** Next raw 32-bit unsigned value. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const shifted = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= shifted;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  integer(minInclusive: number, maxExclusive: number): number {
    assert.ok(maxExclusive > minInclusive, `empty range [${minInclusive}, ${maxExclusive})`);
    return minInclusive + Math.floor(this.next() * (maxExclusive - minInclusive));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    assert.ok(items.length > 0, 'pick from an empty list');
    return items[this.integer(0, items.length)] as T;
  }

  /** A new independent stream named `name`, derived from this stream's seed. */
  fork(name: string): SeededRandom {
    const low = hashString(name, hashString(String(this.seed)));
    const high = hashString(String(this.seed), low) & 0x1fffff;
    return new SeededRandom(high * 0x100000000 + low);
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
