/**
 * The one entry point tools use to read a history file of any supported
 * format: faultline's JSONL, Jepsen/Knossos EDN, or an old Jepsen text log.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { HistoryError } from '../errors.js';
import { readEdnBatches } from './edn.js';
import { type CutLine, type EventBatches, checkHistoryFile, flattenBatches, readFailure } from './files.js';
import { readJepsenLogBatches } from './jepsen-log.js';
import { readJsonlBatches } from './jsonl.js';
import type { ParallelParseOptions } from './jsonl-parallel.js';
import { OperationPairer, type PairedHistory } from './pair.js';
import type { HistoryEvent } from './types.js';

export type HistoryFormat = 'jsonl' | 'edn' | 'jepsen-log';

export interface ReadHistoryOptions {
  /** Overrides the choice by extension and sniffing. */
  format?: HistoryFormat;
  /** EDN only: whether client values are [key value] tuples; default "auto". */
  independent?: 'auto' | boolean;
  /** Refuse histories with more events than this; default: no bound. */
  maxEvents?: number;
  /**
   * JSONL and Jepsen logs: given, a last line cut short (no newline, does not
   * parse) ends the history instead of failing it, and is told here.
   */
  onCut?: (cut: CutLine) => void;
  /** JSONL only: how a large file is parsed on several threads; default: one per core. */
  parallel?: ParallelParseOptions;
}

const EXTENSION_FORMATS: Readonly<Record<string, HistoryFormat>> = {
  '.jsonl': 'jsonl',
  '.json': 'jsonl',
  '.edn': 'edn',
  '.log': 'jepsen-log',
};

/** Bytes looked at to guess the format of a file with an unknown extension. */
const SNIFF_BYTES = 64 * 1024;

/** The format a file's extension names, or else the one its first bytes suggest. */
export async function detectFormat(file: string): Promise<HistoryFormat> {
  const byExtension = EXTENSION_FORMATS[extname(file).toLowerCase()];
  if (byExtension !== undefined) return byExtension;
  const head = await readHead(file);
  const format = sniffFormat(head);
  if (format === undefined) {
    throw new HistoryError('cannot tell the format of this history', {
      where: file,
      hint: 'name it .jsonl (faultline), .edn (Jepsen) or .log (Jepsen text log), or pass the format option',
    });
  }
  return format;
}

async function readHead(file: string): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw readFailure(error, file);
  }
}

function isBlankCode(code: number): boolean {
  return code <= 32 || code === 44 || code === 0xfeff;
}

/** JSONL starts with '{"', EDN with '[', '(', '{:', a comment or a tag; a log names jepsen.util. */
export function sniffFormat(head: string): HistoryFormat | undefined {
  let position = 0;
  while (position < head.length && isBlankCode(head.charCodeAt(position))) position += 1;
  if (position === head.length) return 'jsonl';
  const first = head.charAt(position);
  if (first === '[' || first === '(' || first === ';' || first === '#') return 'edn';
  if (first === '{') {
    position += 1;
    while (position < head.length && isBlankCode(head.charCodeAt(position))) position += 1;
    return head.charAt(position) === ':' ? 'edn' : 'jsonl';
  }
  if (head.includes('jepsen.util - ')) return 'jepsen-log';
  return undefined;
}

function checkMaxEvents(maxEvents: number | undefined): void {
  if (maxEvents === undefined) return;
  if (!Number.isInteger(maxEvents) || maxEvents < 0) {
    throw new HistoryError(`maxEvents must be a whole number, not ${String(maxEvents)}`, {
      where: 'maxEvents',
      hint: 'leave it out for no bound',
    });
  }
}

/** Validated events in batches, from whichever reader the format calls for. */
export async function* readHistoryBatches(file: string, options: ReadHistoryOptions = {}): EventBatches {
  checkMaxEvents(options.maxEvents);
  await checkHistoryFile(file);
  const format = options.format ?? (await detectFormat(file));
  const lineOptions = options.onCut === undefined ? {} : { onCut: options.onCut };
  const batches =
    format === 'jsonl'
      ? readJsonlBatches(file, options.parallel === undefined ? lineOptions : { ...lineOptions, parallel: options.parallel })
      : format === 'edn'
        ? readEdnBatches(file, options.independent === undefined ? {} : { independent: options.independent })
        : readJepsenLogBatches(file, lineOptions);
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  let count = 0;
  for await (const batch of batches) {
    count += batch.length;
    if (count > maxEvents) throw tooLarge(file, maxEvents);
    yield batch;
  }
}

function tooLarge(file: string, maxEvents: number): HistoryError {
  return new HistoryError(`the history is larger than the limit of ${maxEvents} events`, {
    where: file,
    hint: `raise the limit (the maxEvents option) above ${maxEvents}, or leave it out for no bound`,
  });
}

/** Validated events of a history file of any supported format, streamed. */
export function readHistory(
  file: string,
  options: ReadHistoryOptions = {},
): AsyncGenerator<HistoryEvent, void, undefined> {
  return flattenBatches(readHistoryBatches(file, options));
}

/** A history file read and paired into operations, without keeping its events. */
export async function readOperations(file: string, options: ReadHistoryOptions = {}): Promise<PairedHistory> {
  const pairer = new OperationPairer();
  for await (const batch of readHistoryBatches(file, options)) {
    for (const event of batch) pairer.add(event);
  }
  return pairer.finish();
}
