/**
 * A host as the user names it: "user@host[:port]" (an IPv6 host in
 * brackets: "user@[::1]:22"). Parsed once, for the config checks and the
 * runtime alike.
 */
import { FaultlineError } from '../../../common/errors.js';

export interface HostAddress {
  user: string;
  host: string;
  port: number;
}

const DEFAULT_PORT = 22;
const PATTERN = /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,31})@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?$/;

/** The parsed host, or a message saying what is wrong with it. */
export function parseHostAddress(text: string): HostAddress | string {
  const match = PATTERN.exec(text.trim());
  if (match === null) return `"${text}" is not user@host[:port]`;
  const port = match[3] === undefined ? DEFAULT_PORT : Number(match[3]);
  if (port < 1 || port > 65_535) return `"${text}" has port ${port}, outside 1-65535`;
  return { user: match[1] as string, host: (match[2] as string).replace(/^\[|\]$/g, ''), port };
}

export function hostAddress(text: string): HostAddress {
  const parsed = parseHostAddress(text);
  if (typeof parsed === 'string') throw new FaultlineError('E_USAGE', `--ssh-hosts: ${parsed}`, { hint: 'e.g. --ssh-hosts root@10.0.0.1,root@10.0.0.2:2222,admin@node3' });
  return parsed;
}

/** How known_hosts names the host: "host", or "[host]:port" off port 22. */
export function knownHostsName(address: Pick<HostAddress, 'host' | 'port'>): string {
  return address.port === DEFAULT_PORT ? address.host : `[${address.host}]:${address.port}`;
}

export function shownHost(address: HostAddress): string {
  return `${address.user}@${knownHostsName(address)}`;
}
