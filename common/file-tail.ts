/** Reading the end of a file that may be large (a node's log): at most maxBytes, whatever it grew to. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The last maxBytes of a file, or undefined when it cannot be read. */
export function readFileTail(file: string, maxBytes: number): string | undefined {
  let descriptor: number | undefined;
  try {
    const size = statSync(file).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    descriptor = openSync(file, 'r');
    readSync(descriptor, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
