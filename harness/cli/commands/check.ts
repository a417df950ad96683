/** `faultline check <history...>`: linearizability of recorded histories. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Argv, CommandModule } from 'yargs';
import { isFaultlineError, UsageError } from '../../../common/errors.js';
import { detectFormat, parseExactJson, readOperations, type CutLine, type HistoryFormat } from '../../../common/history/index.js';
import { DEFAULT_MAX_CACHE_BYTES, requireEvidence } from '../../../checkers/linearizability/check.js';
import { SEMANTICS, type Semantics } from '../../../checkers/linearizability/model.js';
import { MODEL_NAMES } from '../../../checkers/linearizability/models/index.js';
import { checkLinearizableParallel } from '../../../checkers/linearizability/parallel.js';
import { EXIT_USAGE, exitCodeFor } from '../exit-codes.js';
import { formatFileResult, type FileResult } from './check-output.js';
import { describeResults } from './run-output.js';
import { verdictWord, type Verdict } from '../../../checkers/checker.js';
import { checkRunDirectory } from '../../run/execute.js';
import { FILES, readRunConfig } from '../../run/run-store.js';

export interface CheckArguments {
  history: string[];
  model: string;
  init?: string;
  json: boolean;
  timeout: number;
  'max-memory': number;
  independent: string;
  semantics?: string;
  workers?: number;
  'first-violation': boolean;
}

/**
 * Each format means what its tools mean: Jepsen's EDN and logs are judged as
 * Knossos judges them, faultline's JSONL by its own documented meaning.
 */
const DEFAULT_SEMANTICS: Readonly<Record<HistoryFormat, Semantics>> = { edn: 'knossos', 'jepsen-log': 'knossos', jsonl: 'faultline' };

const MEBIBYTE = 1024 * 1024;

function build(yargs: Argv): Argv<CheckArguments> {
  return yargs
    .positional('history', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'history files (faultline JSONL, Jepsen EDN .edn, Jepsen text logs .log), or run directories to re-check with their workload\'s checkers',
    })
    .option('model', {
      type: 'string',
      choices: MODEL_NAMES as string[],
      default: 'cas-register',
      describe: 'the sequential model the history must be linearizable against',
    })
    .option('init', { type: 'string', describe: "the model's initial value, as JSON (default: absent)" })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per file, one per line' })
    .option('timeout', { type: 'number', default: 60, describe: 'seconds of search per file before the verdict is unknown' })
    .option('max-memory', {
      type: 'number',
      default: DEFAULT_MAX_CACHE_BYTES / MEBIBYTE,
      describe: 'MiB the search may spend on explored states per file before the verdict is unknown',
    })
    .option('independent', {
      type: 'string',
      choices: ['auto', 'true', 'false'],
      default: 'auto',
      describe: 'EDN only: whether values are [key value] tuples of independent keys',
    })
    .option('semantics', {
      type: 'string',
      choices: SEMANTICS as string[],
      // One line: yargs' ES module build breaks longer help text mid-word. The README says the rest (mutex).
      describe: 'nil read: knossos = fits any state (default .edn, .log); faultline = absent (JSONL)',
    })
    .option('first-violation', {
      type: 'boolean',
      default: false,
      describe: 'stop at the first violated key (in key order) instead of checking and explaining every key',
    })
    .option('workers', {
      type: 'number',
      describe: 'threads for parsing a large JSONL file and for keys that prove hard (default: one per core; 1 reads and checks in one thread)',
    })
    .example('$0 check run/history.jsonl --model cas-register', 'check one history')
    .example('$0 check examples/jepsen-cas-register.edn --init 0', 'a Jepsen history, as Knossos judges it')
    .example('$0 check jepsen/*.edn --model cas-register --json', 'JSON lines for scripts')
    .strict() as unknown as Argv<CheckArguments>;
}

export function checkCommand(setExitCode: (code: number) => void): CommandModule<object, CheckArguments> {
  return {
    command: 'check <history...>',
    describe: 'Check histories for linearizability against a model, or re-check stored runs',
    builder: build,
    handler: async (argv) => setExitCode(await runCheck(argv, (text) => process.stdout.write(text))),
  };
}

function isRunDirectory(path: string): boolean {
  return existsSync(join(path, FILES.config)) && statSync(path).isDirectory();
}

export async function runCheck(argv: CheckArguments, write: (text: string) => void): Promise<number> {
  const options = parseOptions(argv);
  const verdicts: Verdict[] = [];
  let inputError = false;
  for (const file of argv.history) {
    try {
      if (isRunDirectory(file)) {
        const results = await checkRunDirectory(file, readRunConfig(file));
        verdicts.push(results.valid);
        const heading = `${verdictWord(results.valid)}: ${file}: ${results.ops} ops`;
        const judged = results.readMode === undefined ? {} : { readMode: results.readMode };
        write(argv.json ? `${JSON.stringify({ run: file, valid: results.valid, ops: results.ops, ...judged })}\n` : describeResults(heading, results, file));
        continue;
      }
      const result = await checkFile(file, argv, options);
      verdicts.push(result.valid);
      for (const warning of result.warnings ?? []) process.stderr.write(`faultline: warning: ${warning}\n`);
      write(argv.json ? `${JSON.stringify(result)}\n` : formatFileResult(result));
    } catch (error) {
      if (!isFaultlineError(error)) throw error;
      inputError = true;
      const message = error.where?.includes(file) === true ? error.describe() : `${file}: ${error.describe()}`;
      if (argv.json) write(`${JSON.stringify({ file, valid: 'unknown', error: message })}\n`);
      else process.stderr.write(`faultline: ${message}\n`);
    }
  }
  return inputError ? EXIT_USAGE : exitCodeFor(verdicts);
}

interface ParsedOptions {
  initial: unknown;
  timeoutMs: number;
  maxCacheBytes: number;
  independent: 'auto' | boolean;
  semantics?: Semantics;
}

function parseOptions(argv: CheckArguments): ParsedOptions {
  let initial: unknown;
  if (argv.init !== undefined) {
    try {
      initial = parseExactJson(argv.init);
    } catch {
      throw new UsageError(`not valid JSON: ${argv.init}`, {
        where: '--init',
        hint: 'quote it for the shell, e.g. --init 0 or --init \'"x"\' or --init null',
      });
    }
  }
  if (!(argv.timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds', { where: '--timeout' });
  if (argv.workers !== undefined && !(Number.isInteger(argv.workers) && argv.workers >= 1)) {
    throw new UsageError('--workers must be a whole number, 1 or more', { where: '--workers' });
  }
  if (!(argv['max-memory'] > 0)) throw new UsageError('--max-memory must be a positive number of MiB', { where: '--max-memory' });
  const independent = argv.independent === 'auto' ? 'auto' : argv.independent === 'true';
  const semantics = argv.semantics === undefined ? {} : { semantics: argv.semantics as Semantics };
  return { initial, timeoutMs: argv.timeout * 1000, maxCacheBytes: argv['max-memory'] * MEBIBYTE, independent, ...semantics };
}

async function checkFile(file: string, argv: CheckArguments, options: ParsedOptions): Promise<FileResult> {
  const parseStarted = performance.now();
  const format = await detectFormat(file);
  const warnings: string[] = [];
  const onCut = (cut: CutLine): void => void warnings.push(cut.message);
  const parallel = argv.workers === undefined ? {} : { parallel: { threads: argv.workers } };
  const history = await readOperations(file, { format, independent: options.independent, onCut, ...parallel });
  const parseMs = performance.now() - parseStarted;
  const semantics = options.semantics ?? DEFAULT_SEMANTICS[format];
  const modelOptions = { semantics, ...(options.initial === undefined ? {} : { initial: options.initial }) };
  const result = await checkLinearizableParallel(argv.model, modelOptions, history.operations, {
    nowMs: () => performance.now(),
    timeoutMs: options.timeoutMs,
    maxCacheBytes: options.maxCacheBytes,
    firstViolation: argv['first-violation'] === true,
    ...(argv.workers === undefined ? {} : { workers: argv.workers }),
  });
  const judged = requireEvidence(result, history.operations);
  return {
    file,
    ...judged,
    semantics,
    parseMs: round(parseMs),
    checkMs: round(result.checkMs),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
