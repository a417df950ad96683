/**
 * One SSH connection per host (ssh2), reused for every command. The host's
 * key is checked against known_hosts before authentication; an unknown key
 * is refused unless accepting new keys was asked for, a changed key always.
 * Every command has a timeout and returns its exit code, stdout and stderr;
 * channels are bounded (sshd allows 10 sessions per connection by default);
 * a dropped connection is reconnected with backoff on the next command.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, type ConnectConfig } from 'ssh2';
import { FaultlineError } from '../../../common/errors.js';
import type { CommandResult } from '../real/host-commands.js';
import { knownHostsName, shownHost, type HostAddress } from './host-address.js';
import { BoundedText } from './bounded-text.js';
import { keyType, knownKeys, rememberKey, verdictFor, type KnownKey } from './known-hosts.js';

export const SSH_COMMAND_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 5_000;
const MAX_CHANNELS = 8;
const MAX_WAITING_COMMANDS = 10_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Waits before each reconnection attempt after a drop; then the command fails. */
const RECONNECT_BACKOFF_MS = [200, 500, 1_000, 2_000];
const KEEPALIVE_INTERVAL_MS = 5_000;

export interface ConnectionSettings {
  address: HostAddress;
  /** The private key's contents; without it, agent. */
  privateKey?: Buffer;
  agent?: string;
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
}

export interface ExecOptions {
  timeoutMs?: number;
  input?: string | Buffer;
  maxOutputBytes?: number;
}

/** Host key algorithms that present a key of each known_hosts type, so the host shows the key the file holds. */
const ALGORITHMS_OF_TYPE: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

export class SshConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  private channels = 0;
  private readonly waiting: (() => void)[] = [];
  /** Why the last host key was refused, for the error the failed handshake gives. */
  private keyRefusal: string | undefined;
  readonly name: string;

  constructor(private readonly settings: ConnectionSettings) {
    this.name = shownHost(settings.address);
  }

  /** Connects once, with no retry: a first connection that fails says why, at once. */
  async connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    await this.connecting;
  }

  /** Runs a command line in the user's shell on the host. */
  async exec(command: string, options: ExecOptions = {}): Promise<CommandResult> {
    assert.ok(!this.closed, `connection to ${this.name} used after close`);
    await this.acquireChannel();
    try {
      const client = await this.ready();
      try {
        return await this.execOn(client, command, options);
      } catch (error) {
        if (!(error instanceof ChannelRefused)) throw error;
        // The command never started (the connection was gone before its close was seen): safe to run on a new one.
        this.drop(client);
        return await this.execOn(await this.ready(), command, options);
      }
    } finally {
      this.releaseChannel();
    }
  }

  private drop(client: Client): void {
    if (this.client === client) this.client = undefined;
    client.end();
  }

  close(): void {
    this.closed = true;
    this.client?.end();
    this.client = undefined;
  }

  /** The open connection, or one reopened with backoff; callers at the same time share one reopening. */
  private ready(): Promise<Client> {
    if (this.client !== undefined) return Promise.resolve(this.client);
    this.connecting ??= this.reopen().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async reopen(): Promise<Client> {
    let last: unknown;
    for (const waitMs of RECONNECT_BACKOFF_MS) {
      await delay(waitMs);
      if (this.closed) break;
      try {
        return await this.open();
      } catch (error) {
        last = error;
      }
    }
    throw new FaultlineError('E_INFRASTRUCTURE', `lost the SSH connection to ${this.name} and could not reconnect: ${last instanceof Error ? last.message : String(last ?? 'closed')}`);
  }

  private open(): Promise<Client> {
    const client = new Client();
    return new Promise<Client>((resolve, reject) => {
      client.once('ready', () => {
        if (this.closed) {
          client.end();
          reject(new FaultlineError('E_INFRASTRUCTURE', `SSH connection to ${this.name} closed`));
          return;
        }
        this.client = client;
        resolve(client);
      });
      client.on('error', (error) => {
        if (this.client !== client) reject(this.connectError(error));
      });
      client.on('close', () => {
        if (this.client === client) this.client = undefined;
        reject(new FaultlineError('E_INFRASTRUCTURE', `SSH connection to ${this.name} closed during the handshake`));
      });
      client.connect(this.connectConfig());
    });
  }

  private connectConfig(): ConnectConfig {
    const { address, privateKey, agent } = this.settings;
    const keys = knownKeys(this.settings.knownHostsFile, knownHostsName(address));
    const algorithms = [...new Set(keys.filter((key) => !key.revoked).flatMap((key) => ALGORITHMS_OF_TYPE[key.type] ?? [key.type]))];
    return {
      host: address.host,
      port: address.port,
      username: address.user,
      readyTimeout: READY_TIMEOUT_MS,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      ...(privateKey === undefined ? {} : { privateKey }),
      ...(agent === undefined ? {} : { agent }),
      // The host presents a key of a type the file holds for it, so a changed key is not mistaken for another type's.
      ...(algorithms.length === 0 ? {} : { algorithms: { serverHostKey: algorithms as never } }),
      hostVerifier: (key: Buffer) => this.verifyHostKey(keys, key),
    };
  }

  private verifyHostKey(keys: readonly KnownKey[], key: Buffer): boolean {
    const { address, knownHostsFile, acceptNewHostKeys } = this.settings;
    const verdict = verdictFor(keys, key);
    if (verdict === 'known') return true;
    const fingerprint = `${keyType(key)} SHA256:${fingerprintOf(key)}`;
    if (verdict === 'changed') {
      this.keyRefusal = `the host key of ${this.name} has CHANGED (it now shows ${fingerprint}, which ${knownHostsFile} does not hold for it): someone may be in the middle, or the host was reinstalled`;
      return false;
    }
    if (acceptNewHostKeys) {
      rememberKey(knownHostsFile, knownHostsName(address), key);
      return true;
    }
    this.keyRefusal = `the host key of ${this.name} is unknown (${fingerprint} is not in ${knownHostsFile})`;
    return false;
  }

  private connectError(error: Error & { level?: string; code?: string }): FaultlineError {
    if (this.keyRefusal !== undefined) {
      const changed = this.keyRefusal.includes('CHANGED');
      return new FaultlineError('E_INFRASTRUCTURE', this.keyRefusal, {
        hint: changed
          ? `if the change is expected, remove the host's old line from the known_hosts file (ssh-keygen -R ${knownHostsName(this.settings.address)} -f FILE) and check the new key`
          : 'add the host key to the known_hosts file (check its fingerprint on the host), or pass --ssh-accept-new-host-keys',
      });
    }
    if (error.level === 'client-authentication') {
      return new FaultlineError('E_INFRASTRUCTURE', `${this.name} refused the SSH key: the key or the user is wrong`, {
        hint: 'check --ssh-key (or the keys in your SSH agent) and that its public key is in the user\'s authorized_keys on the host',
      });
    }
    const reason = error.code ?? error.message;
    return new FaultlineError('E_INFRASTRUCTURE', `cannot reach ${this.name} over SSH: ${reason}`, { hint: 'check the host is up, its address and port in --ssh-hosts, and that sshd runs there' });
  }

  private execOn(client: Client, command: string, options: ExecOptions): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? SSH_COMMAND_TIMEOUT_MS;
    const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    return new Promise<CommandResult>((resolve, reject) => {
      client.exec(command, (error, stream) => {
        if (error !== undefined && error !== null) {
          reject(new ChannelRefused(`${this.name}: could not run a command: ${error.message}`));
          return;
        }
        const stdout = new BoundedText(maxBytes);
        const stderr = new BoundedText(maxBytes);
        const timer = setTimeout(() => {
          stream.close();
          reject(new FaultlineError('E_INFRASTRUCTURE', `${this.name}: \`${command.slice(0, 160)}\` timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        stream.on('data', (chunk: Buffer) => stdout.add(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
        stream.on('close', (code: number | null, signal?: string) => {
          clearTimeout(timer);
          resolve({ exitCode: code ?? (signal === undefined ? -1 : 128), stdout: stdout.text(), stderr: stderr.text() });
        });
        stream.end(options.input);
      });
    });
  }

  private async acquireChannel(): Promise<void> {
    if (this.channels < MAX_CHANNELS) {
      this.channels++;
      return;
    }
    assert.ok(this.waiting.length < MAX_WAITING_COMMANDS, `more than ${MAX_WAITING_COMMANDS} commands wait for ${this.name}`);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseChannel(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.channels--;
    else next();
  }
}

/** A command whose channel did not open: it never ran. */
class ChannelRefused extends FaultlineError {
  constructor(message: string) {
    super('E_INFRASTRUCTURE', message);
  }
}

function fingerprintOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}
