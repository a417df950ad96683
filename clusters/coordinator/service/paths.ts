/** Znode path rules, as ZooKeeper's PathUtils enforces them. */
import assert from 'node:assert/strict';

export const ROOT = '/';

/** Why a path is invalid, or null when it is valid. */
export function pathProblem(path: unknown): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'path must be a non-empty string';
  if (!path.startsWith('/')) return 'path must start with /';
  if (path === ROOT) return null;
  if (path.endsWith('/')) return 'path must not end with /';
  for (const name of path.slice(1).split('/')) {
    if (name.length === 0) return 'path has an empty component';
    if (name === '.' || name === '..') return 'path has a relative component';
    if (name.includes('\u0000')) return 'path has a null character';
  }
  return null;
}

export function isValidPath(path: unknown): path is string {
  return pathProblem(path) === null;
}

export function parentPath(path: string): string {
  assert.ok(path !== ROOT, 'the root has no parent');
  const cut = path.lastIndexOf('/');
  return cut === 0 ? ROOT : path.slice(0, cut);
}

export function childName(path: string): string {
  assert.ok(path !== ROOT, 'the root has no name');
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(parent: string, name: string): string {
  return parent === ROOT ? `/${name}` : `${parent}/${name}`;
}

/** ZooKeeper's `%010d` suffix of sequential nodes. */
export function sequenceSuffix(counter: number): string {
  assert.ok(Number.isInteger(counter) && counter >= 0, `bad sequence counter ${counter}`);
  return String(counter).padStart(10, '0');
}

/** The counter of a sequential node's name, or null when it has no 10-digit suffix. */
export function parseSequenceSuffix(path: string): number | null {
  const match = /(\d{10})$/.exec(path);
  return match === null ? null : Number(match[1]);
}
