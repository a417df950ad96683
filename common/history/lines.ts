/**
 * A file's lines, read in large chunks and handed over an array per chunk:
 * readline pays an event, a regular expression and a promise per line, which
 * on a million-operation history costs more than parsing it. Lines are split
 * exactly as readline splits them (crlfDelay Infinity): at \n, at \r\n, and at
 * a \r that no \n follows; the text after the last break is a line if it is
 * not empty. Bytes are decoded as UTF-8, a character cut by a chunk's end
 * included; a byte-order mark is kept, as readline keeps it.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export const LINE_CHUNK_BYTES = 256 * 1024;

const RETURN = 13;

/** Bytes [start, end) of a file; a range starts at the file's start or just after a \n, so at a line's start. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The lines of a file (or of a range of it), in order, an array at a time. */
export async function* readLineChunks(
  file: string,
  chunkBytes = LINE_CHUNK_BYTES,
  range: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY },
): AsyncGenerator<string[], void, undefined> {
  const handle = await open(file, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let carry = '';
    for (let position = range.start; position < range.end; ) {
      const want = Math.min(chunkBytes, range.end - position);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const decoded = decoder.write(buffer.subarray(0, bytesRead));
      const firstBreak = decoded.indexOf('\n');
      // No line ends here: the carried text grows by concatenation, not a copy per chunk.
      if (firstBreak === -1) {
        carry += decoded;
        continue;
      }
      const text = carry + decoded;
      const lines: string[] = [];
      let start = 0;
      // One search per chunk spares the common file, without \r, one per line.
      const returns = text.indexOf('\r') !== -1;
      for (let end = carry.length + firstBreak; end !== -1; end = text.indexOf('\n', start)) {
        if (returns) pushTerminatedLine(lines, text, start, end);
        else lines.push(text.slice(start, end));
        start = end + 1;
      }
      carry = start === 0 ? text : text.slice(start);
      if (lines.length > 0) yield lines;
    }
    const last = lastLines(carry + decoder.end());
    if (last.length > 0) yield last;
  } finally {
    await handle.close();
  }
}

/** The text from start to the \n at end: one line, or several when it holds lone \r breaks. */
function pushTerminatedLine(lines: string[], text: string, start: number, end: number): void {
  const stop = end > start && text.charCodeAt(end - 1) === RETURN ? end - 1 : end;
  const line = text.slice(start, stop);
  if (line.indexOf('\r') === -1) lines.push(line);
  else lines.push(...line.split('\r'));
}

/** Lines of the text after the last \n: split at lone \r, an empty remainder is no line. */
function lastLines(rest: string): string[] {
  if (rest.length === 0) return [];
  const lines = rest.indexOf('\r') === -1 ? [rest] : rest.split('\r');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
