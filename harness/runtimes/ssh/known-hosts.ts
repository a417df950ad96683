/**
 * Host keys, checked against an OpenSSH known_hosts file before anything
 * runs on a host: plain and hashed ("|1|salt|hash") names, comma lists and
 * "[host]:port". A key the file does not hold for the host is "unknown"; a
 * different key where the file holds some for the host is "changed" (so is a
 * key marked @revoked). Wildcard patterns and @cert-authority lines are not
 * read: such a host counts as unknown.
 */
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const MAX_LINES = 100_000;

export interface KnownKey {
  type: string;
  /** The key blob, base64, as the .pub file and known_hosts write it. */
  blob: string;
  revoked: boolean;
}

export type HostKeyVerdict = 'known' | 'unknown' | 'changed';

function nameMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (salt === undefined || hash === undefined) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return pattern.split(',').some((entry) => entry === name);
}

/** The keys the file holds for a name ("host" or "[host]:port"); a missing file holds none. */
export function knownKeys(file: string, name: string): KnownKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const keys: KnownKey[] = [];
  for (const line of text.split('\n').slice(0, MAX_LINES)) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (marker === '@cert-authority') continue;
    const [names, type, blob] = fields;
    if (names === undefined || type === undefined || blob === undefined) continue;
    if (nameMatches(names, name)) keys.push({ type, blob, revoked: marker === '@revoked' });
  }
  return keys;
}

/** What the file says of the key a host presented (its raw blob). */
export function verdictFor(keys: readonly KnownKey[], presented: Buffer): HostKeyVerdict {
  const blob = presented.toString('base64');
  if (keys.some((key) => key.revoked && key.blob === blob)) return 'changed';
  if (keys.some((key) => !key.revoked && key.blob === blob)) return 'known';
  return keys.length === 0 ? 'unknown' : 'changed';
}

/** The key type a raw blob names (its first length-prefixed string). */
export function keyType(presented: Buffer): string {
  if (presented.length < 4) return 'unknown';
  const length = presented.readUInt32BE(0);
  return presented.subarray(4, 4 + Math.min(length, 64)).toString('latin1');
}

/** Records a newly accepted host key, as OpenSSH's accept-new does. */
export function rememberKey(file: string, name: string, presented: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${name} ${keyType(presented)} ${presented.toString('base64')}\n`);
}
