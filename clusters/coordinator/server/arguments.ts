/**
 * The node process's command line: built by the harness (nodeArguments) and
 * read back by the node (parseNodeArguments), so the two cannot disagree.
 *
 *   --id n1 --engine raft|zab --member n1=host:port (one per voting member)
 *   --data-dir DIR --port P --admin-port A [--bug NAME]... [--seed N]
 *
 * A mistake is a UsageError: one clear message, exit code 3.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../../common/errors.js';
import { BUG_MODES } from '../bugs.js';
import { parseHostPort } from './host-port.js';

export interface NodeProcessOptions {
  id: string;
  engine: 'raft' | 'zab';
  /** Every voting member: name -> "host:port" (peers and clients use this port). */
  members: Record<string, string>;
  /** Storage and node.log live here. */
  dataDirectory: string;
  port: number;
  adminPort: number;
  bugs: string[];
  seed: number;
}

export function nodeArguments(options: NodeProcessOptions): string[] {
  return [
    '--id', options.id,
    '--engine', options.engine,
    ...Object.entries(options.members).flatMap(([name, hostPort]) => ['--member', `${name}=${hostPort}`]),
    '--data-dir', options.dataDirectory,
    '--port', String(options.port),
    '--admin-port', String(options.adminPort),
    ...options.bugs.flatMap((bug) => ['--bug', bug]),
    '--seed', String(options.seed),
  ];
}

/** The raw values of the flags, as node:util or yargs hand them over. */
export interface RawNodeFlags {
  id?: string;
  engine?: string;
  member?: string[];
  'data-dir'?: string;
  port?: string | number;
  'admin-port'?: string | number;
  bug?: string[];
  seed?: string | number;
}

export function parseNodeArguments(argv: string[]): NodeProcessOptions {
  let values: RawNodeFlags;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        id: { type: 'string' },
        engine: { type: 'string' },
        member: { type: 'string', multiple: true },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        bug: { type: 'string', multiple: true },
        seed: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message, { hint: USAGE });
  }
  return checkNodeFlags(values);
}

const USAGE = 'usage: --id n1 --engine raft|zab --member n1=host:port ... --data-dir DIR --port P --admin-port A [--bug NAME] [--seed N]';

export function checkNodeFlags(flags: RawNodeFlags): NodeProcessOptions {
  const id = required(flags.id, '--id');
  const engine = required(flags.engine, '--engine');
  if (engine !== 'raft' && engine !== 'zab') throw new UsageError(`unknown engine "${engine}"`, { where: '--engine', hint: 'raft or zab' });
  const members: Record<string, string> = {};
  for (const text of flags.member ?? []) {
    const separator = text.indexOf('=');
    const name = text.slice(0, separator);
    if (separator <= 0) throw new UsageError(`"${text}" is not name=host:port`, { where: '--member', hint: USAGE });
    parseHostPort(text.slice(separator + 1), '--member');
    if (name in members) throw new UsageError(`member ${name} is given twice`, { where: '--member' });
    members[name] = text.slice(separator + 1);
  }
  if (!(id in members)) throw new UsageError(`--id ${id} is not among the members (${Object.keys(members).join(', ') || 'none given'})`, { where: '--member', hint: USAGE });
  const known = new Set(BUG_MODES.map((bug) => bug.name));
  const bugs = flags.bug ?? [];
  for (const bug of bugs) if (!known.has(bug)) throw new UsageError(`unknown bug mode "${bug}"`, { where: '--bug', hint: 'faultline bugs lists them' });
  return {
    id,
    engine,
    members,
    dataDirectory: required(flags['data-dir'], '--data-dir'),
    port: portNumber(flags.port, '--port'),
    adminPort: portNumber(flags['admin-port'], '--admin-port'),
    bugs,
    seed: integer(flags.seed ?? '0', '--seed'),
  };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.length === 0) throw new UsageError(`${flag} is required`, { where: flag, hint: USAGE });
  return value;
}

function portNumber(value: string | number | undefined, flag: string): number {
  const port = integer(required(value === undefined ? undefined : String(value), flag), flag);
  if (port < 1 || port > 65535) throw new UsageError(`${flag} ${port} is not a port (1-65535)`, { where: flag });
  return port;
}

function integer(value: string | number, flag: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new UsageError(`${flag} must be an integer, got "${value}"`, { where: flag });
  return number;
}
