/** Znode path rules, as ZooKeeper's PathUtils enforces them. */
import assert from 'node:assert/strict';

export const ROOT = '/';
const SLASH = 0x2f;
const DOT = 0x2e;

/** Why a path is invalid, or null when it is valid. */
export function pathProblem(path: unknown): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'path must be a non-empty string';
  if (path.charCodeAt(0) !== SLASH) return 'path must start with /';
  if (path === ROOT) return null;
  if (path.charCodeAt(path.length - 1) === SLASH) return 'path must not end with /';
  // One scan over the characters, component by component: every request validates its path,
  // and splitting it into an array each time was a measurable share of the simulator's time.
  let start = 1;
  for (let index = 1; index <= path.length; index++) {
    const code = index === path.length ? SLASH : path.charCodeAt(index);
    if (code === 0) return 'path has a null character';
    if (code !== SLASH) continue;
    const length = index - start;
    if (length === 0) return 'path has an empty component';
    if (path.charCodeAt(start) === DOT && (length === 1 || (length === 2 && path.charCodeAt(start + 1) === DOT))) {
      return 'path has a relative component';
    }
    start = index + 1;
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
