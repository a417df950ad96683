/**
 * faultline's own code on a host, for node processes that run it (the
 * coordinator's node script): a host that sees this machine's files at the
 * same paths (the local test hosts, a shared mount) runs them in place; any
 * other gets a copy of dist/ and package.json under the run's directory,
 * uploaded once per run, and the node's command line is rewritten to it. A
 * host counts as seeing the files when each file the command names has the
 * same SHA-256 there. The node command becomes the host's own Node.js.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FaultlineError } from '../../../common/errors.js';
import type { NodeProcessSpec } from '../index.js';
import { quote, type SshHost } from './host.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const UPLOAD_TIMEOUT_MS = 120_000;
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

export type CodePlacementMode = 'auto' | 'upload';

export class CodePlacement {
  /** Each host's project root, once known. */
  private readonly roots = new Map<SshHost, Promise<string>>();

  constructor(
    private readonly runDirectory: string,
    private readonly mode: CodePlacementMode = 'auto',
  ) {}

  /** The spec as it runs on the host: its Node.js, and project paths where the code is there. */
  async specOn(host: SshHost, spec: NodeProcessSpec): Promise<NodeProcessSpec> {
    const command = spec.command === process.execPath ? host.nodeCommand : spec.command;
    const projectFiles = [command, ...spec.args].filter((word) => word.startsWith(`${PROJECT_ROOT}/`));
    if (projectFiles.length === 0) return { ...spec, command };
    let root = this.roots.get(host);
    if (root === undefined) {
      root = this.place(host, projectFiles);
      this.roots.set(host, root);
    }
    const remoteRoot = await root;
    const moved = (word: string): string => (word.startsWith(`${PROJECT_ROOT}/`) ? `${remoteRoot}${word.slice(PROJECT_ROOT.length)}` : word);
    return { ...spec, command: moved(command), args: spec.args.map(moved) };
  }

  private async place(host: SshHost, files: string[]): Promise<string> {
    if (this.mode === 'auto' && (await sameFilesOn(host, files))) return PROJECT_ROOT;
    // One copy per host, even where hosts share files: no host rewrites files another's node is reading.
    const remoteRoot = `${this.runDirectory}/project-${host.address}`;
    const archive = await projectArchive();
    await host.run(`mkdir -p ${quote(remoteRoot)} && tar -xzf - -C ${quote(remoteRoot)}`, { input: archive, timeoutMs: UPLOAD_TIMEOUT_MS });
    return remoteRoot;
  }
}

async function sameFilesOn(host: SshHost, files: string[]): Promise<boolean> {
  const wanted = [...new Set([...files, path.join(PROJECT_ROOT, 'package.json')])];
  const result = await host.tryRun(`sha256sum ${wanted.map(quote).join(' ')}`);
  if (result.exitCode !== 0) return false;
  const remote = new Map(result.stdout.split('\n').map((line) => [line.slice(66), line.slice(0, 64)] as const));
  return wanted.every((file) => remote.get(file) === sha256Of(file));
}

function sha256Of(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** dist/ and package.json (whose "type" makes the .js files modules); the node script needs no npm package. */
async function projectArchive(): Promise<Buffer> {
  try {
    const { stdout } = await promisify(execFile)('tar', ['-czf', '-', '-C', PROJECT_ROOT, '--exclude=*.map', '--exclude=*.test.js', 'dist', 'package.json'], {
      encoding: 'buffer',
      maxBuffer: MAX_ARCHIVE_BYTES,
    });
    return stdout;
  } catch (error) {
    throw new FaultlineError('E_INFRASTRUCTURE', `could not pack faultline's code for the hosts: ${(error as Error).message}`);
  }
}
