/**
 * Helpers for the history tests: temporary files, a seeded PRNG, and checks
 * for HistoryErrors. Not part of the public API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HistoryError } from '../errors.js';
import type { HistoryEvent } from './types.js';

/** shared/ sits beside the repository (here and in CI); this file runs from dist/common/history. */
export const SHARED_HISTORIES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'histories');

/** A temporary directory, removed by the returned cleanup. */
export function temporaryDirectory(): { directory: string; write: (name: string, text: string) => string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'faultline-history-'));
  return {
    directory,
    write: (name, text) => {
      const path = join(directory, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** mulberry32: a tiny seeded PRNG, so fuzz failures replay exactly. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/** Asserts that the promise rejects with a HistoryError matching where and message. */
export async function rejectsWithHistoryError(
  promise: Promise<unknown>,
  expected: { where?: string; message?: RegExp; hint?: RegExp },
): Promise<HistoryError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof HistoryError, `expected a HistoryError, got ${String(caught)}`);
  if (expected.where !== undefined) assert.equal(caught.where, expected.where);
  if (expected.message !== undefined) assert.match(caught.message, expected.message);
  if (expected.hint !== undefined) assert.match(caught.hint ?? '', expected.hint);
  return caught;
}

/** Rows of a shared index.tsv, keyed by column name. */
export function readIndex(set: string): Array<Record<string, string>> {
  const [header, ...rows] = readFileSync(join(SHARED_HISTORIES, set, 'index.tsv'), 'utf8').trim().split('\n');
  const names = (header ?? '').split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    return Object.fromEntries(names.map((name, column) => [name, cells[column] ?? '']));
  });
}

/** A JavaScript value as EDN text: enough for the values of the shared histories. */
export function toEdn(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return `[${value.map(toEdn).join(' ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** An event as a Jepsen op map, optionally with its value as an independent tuple. */
export function eventToEdn(event: HistoryEvent, independent = false): string {
  const value = independent ? [event.key, event.value] : event.value;
  const parts = [`:index ${event.index}`, `:process ${typeof event.process === 'number' ? event.process : `:${event.process}`}`, `:type :${event.type}`, `:f :${event.f}`];
  if (value !== undefined) parts.push(`:value ${toEdn(value)}`);
  if (event.error !== undefined) parts.push(`:error :${String(event.error)}`);
  return `{${parts.join(', ')}}`;
}
