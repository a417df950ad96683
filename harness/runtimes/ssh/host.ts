/**
 * One SSH host as the runtime uses it: its connection, commands as the user
 * or as root (`sudo -n` when the user is not root), and the checks made
 * before anything runs there: root or a sudo that needs no password,
 * iptables, and a Node.js of 20 or newer for the node processes.
 */
import { readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SshTarget } from '../index.js';
import { FaultlineError } from '../../../common/errors.js';
import type { CommandResult } from '../real/host-commands.js';
import { SshConnection, type ExecOptions } from './connection.js';
import { hostAddress, shownHost, type HostAddress } from './host-address.js';

const MINIMUM_NODE_MAJOR = 20;
const MAX_SHOWN_OUTPUT_CHARS = 600;

/** A word for the remote shell: single-quoted, so nothing in it is expanded. */
export function quote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(quote).join(' ');
}

export interface HostCommandOptions extends ExecOptions {
  /** Run as root: through `sudo -n` when the user is not root. */
  privileged?: boolean;
}

export class SshHost {
  readonly name: string;
  /** The address nodes and the harness reach the host at (resolved to IPv4 for iptables rules). */
  address = '';
  /** The command that runs Node.js there. */
  nodeCommand = 'node';
  private sudo = '';

  constructor(
    readonly target: HostAddress,
    readonly connection: SshConnection,
  ) {
    this.name = shownHost(target);
  }

  /** Runs a shell script; any exit code is returned. */
  tryRun(script: string, options: HostCommandOptions = {}): Promise<CommandResult> {
    const line = options.privileged === true && this.sudo !== '' ? `${this.sudo}sh -c ${quote(script)}` : script;
    return this.connection.exec(line, options);
  }

  /** Runs a shell script that must succeed; returns its stdout. */
  async run(script: string, options: HostCommandOptions = {}): Promise<string> {
    const result = await this.tryRun(script, options);
    if (result.exitCode !== 0) {
      const output = (result.stderr || result.stdout).slice(0, MAX_SHOWN_OUTPUT_CHARS);
      throw new FaultlineError('E_INFRASTRUCTURE', `${this.name}: \`${script.slice(0, 160)}\` failed with exit code ${result.exitCode}: ${output}`);
    }
    return result.stdout;
  }

  /** The checks before anything runs; nodeExecutable is the harness's own node, used when the host has the same path (undefined: no node needed). */
  async preflight(nodeExecutable: string | undefined): Promise<void> {
    this.address = await resolveAddress(this.target.host);
    // One round trip for the user and each candidate node's version: a host far away pays for each.
    const candidates = nodeExecutable === undefined ? [] : [nodeExecutable, 'node'];
    const facts = (await this.run(['id -u', ...candidates.map((candidate) => `${quote(candidate)} --version 2>/dev/null || echo none`)].join('; '))).trim().split('\n');
    if (facts[0]?.trim() !== '0') await this.checkSudo();
    const iptables = await this.tryRun('iptables -w -S INPUT >/dev/null', { privileged: true });
    if (iptables.exitCode !== 0) {
      throw new FaultlineError('E_INFRASTRUCTURE', `${this.name} cannot run iptables as root: ${iptables.stderr.slice(0, 200)}`, { hint: 'install iptables on the host (apt-get install iptables)' });
    }
    if (candidates.length > 0) this.chooseNode(candidates, facts.slice(1));
  }

  private async checkSudo(): Promise<void> {
    const result = await this.tryRun('sudo -n true');
    if (result.exitCode === 0) {
      this.sudo = 'sudo -n ';
      return;
    }
    const asks = /password/i.test(result.stderr);
    throw new FaultlineError(
      'E_INFRASTRUCTURE',
      asks
        ? `${this.name}: the user is not root and sudo asks for a password (${result.stderr.trim().slice(0, 120)}); faultline cannot type one`
        : `${this.name}: the user is not root and cannot use sudo: ${(result.stderr || result.stdout).trim().slice(0, 200)}`,
      { hint: `log in as root, or let the user run sudo without a password (a sudoers line such as "${this.target.user} ALL=(root) NOPASSWD: ALL")` },
    );
  }

  /** The first candidate whose `--version` said 20 or newer. */
  private chooseNode(candidates: readonly string[], versions: readonly string[]): void {
    const answers = candidates.map((_, index) => (versions[index] ?? '').trim());
    const majors = answers.map((answer) => Number(/^v(\d+)\./.exec(answer)?.[1] ?? Number.NaN));
    const chosen = majors.findIndex((major) => major >= MINIMUM_NODE_MAJOR);
    if (chosen >= 0) {
      this.nodeCommand = candidates[chosen] as string;
      return;
    }
    const tried = candidates.map((candidate, index) => (Number.isNaN(majors[index]) ? `${candidate}: not found` : `${candidate}: ${answers[index]}, too old`));
    throw new FaultlineError('E_INFRASTRUCTURE', `${this.name} has no Node.js ${MINIMUM_NODE_MAJOR} or newer for the node processes (${tried.join('; ')})`, {
      hint: `install Node.js ${MINIMUM_NODE_MAJOR} or newer on the host, as "node" on the login PATH`,
    });
  }
}

async function resolveAddress(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    throw new FaultlineError('E_INFRASTRUCTURE', `cannot resolve the host name ${host} to an IPv4 address`, { hint: 'use the address in --ssh-hosts' });
  }
}

/** Connects to every host (in parallel) and checks each; on any failure every connection is closed and the first error thrown. */
export async function connectHosts(target: SshTarget, nodeExecutable: string | undefined): Promise<SshHost[]> {
  const privateKey = readKey(target.keyFile);
  const agent = privateKey === undefined ? process.env.SSH_AUTH_SOCK : undefined;
  if (privateKey === undefined && agent === undefined) {
    throw new FaultlineError('E_USAGE', 'the ssh runtime needs a key: --ssh-key FILE, or an SSH agent ($SSH_AUTH_SOCK)');
  }
  const hosts = target.hosts.map((text) => {
    const address = hostAddress(text);
    const settings = { address, knownHostsFile: target.knownHostsFile, acceptNewHostKeys: target.acceptNewHostKeys };
    return new SshHost(address, new SshConnection({ ...settings, ...(privateKey === undefined ? {} : { privateKey }), ...(agent === undefined ? {} : { agent }) }));
  });
  const results = await Promise.allSettled(hosts.map(async (host) => {
    await host.connection.connect();
    await host.preflight(nodeExecutable);
  }));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) {
    for (const host of hosts) host.connection.close();
    throw failed.reason;
  }
  return hosts;
}

function readKey(file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch {
    throw new FaultlineError('E_USAGE', `--ssh-key: cannot read the key file ${file}`, { hint: 'name a private key file this user can read' });
  }
}
