/** Reading, validating and pairing histories: the spine every tool shares. */
export * from './types.js';
export { HistoryValidator, describeValue } from './validate.js';
export { readJsonl, readJsonlBatches, formatEvent } from './jsonl.js';
export { parseExactEvent, parseExactJson } from './exact-json.js';
export { readEdn, readEdnBatches, type EdnReadOptions } from './edn.js';
export { readJepsenLog, readJepsenLogBatches } from './jepsen-log.js';
export { OperationPairer, pairEvents, type PairedHistory } from './pair.js';
export {
  detectFormat,
  readHistory,
  readHistoryBatches,
  readOperations,
  sniffFormat,
  type HistoryFormat,
  type ReadHistoryOptions,
} from './read.js';
export type { CutLine, EventBatches } from './files.js';
