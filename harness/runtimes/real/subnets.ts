/**
 * Picks a private /24 for a run's network that no host route, host address or
 * docker network already uses. Each runtime draws from its own /16 (docker
 * 10.201.x.0/24, local 10.202.x.0/24), starting at a place the run id picks,
 * so concurrent runs rarely try the same one.
 */
import { FaultlineError } from '../../../common/errors.js';
import { runCommand } from './host-commands.js';

export interface Subnet {
  /** "10.201.7.0/24" */
  cidr: string;
  /** "10.201.7" */
  prefix: string;
}

interface Range {
  start: number;
  end: number;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined;
  return (((parts[0] as number) << 24) | ((parts[1] as number) << 16) | ((parts[2] as number) << 8) | (parts[3] as number)) >>> 0;
}

/** "10.0.0.0/8" or "10.0.0.5" -> its address range; undefined for "default" and IPv6. */
export function rangeOf(cidr: string): Range | undefined {
  const [address, lengthText] = cidr.split('/');
  const start = parseIpv4(address ?? '');
  if (start === undefined) return undefined;
  const length = lengthText === undefined ? 32 : Number(lengthText);
  if (!Number.isInteger(length) || length < 1 || length > 32) return undefined;
  const size = 2 ** (32 - length);
  const first = start - (start % size);
  return { start: first, end: first + size - 1 };
}

function overlaps(first: Range, second: Range): boolean {
  return first.start <= second.end && second.start <= first.end;
}

/** Every IPv4 prefix the host routes or holds an address in. */
export async function hostPrefixes(): Promise<string[]> {
  const routes = JSON.parse(await runCommand('ip', ['-j', 'route', 'show', 'table', 'all'])) as { dst?: string }[];
  const addresses = JSON.parse(await runCommand('ip', ['-j', '-4', 'addr'])) as { addr_info?: { local?: string; prefixlen?: number }[] }[];
  const prefixes = routes.map((route) => route.dst ?? '').filter((dst) => dst !== 'default' && dst !== '');
  for (const link of addresses) {
    for (const info of link.addr_info ?? []) if (info.local !== undefined) prefixes.push(`${info.local}/${info.prefixlen ?? 32}`);
  }
  return prefixes;
}

/** The first free /24 in 10.<secondOctet>.0.0/16, from a start that hash (hex) picks; skips those in `avoid`. */
export function pickSubnet(secondOctet: number, hash: string, taken: readonly string[], avoid: ReadonlySet<string> = new Set()): Subnet {
  const takenRanges = taken.map(rangeOf).filter((range): range is Range => range !== undefined);
  const first = (Number.parseInt(hash.slice(0, 4), 16) % 254) + 1;
  for (let step = 0; step < 254; step++) {
    const third = ((first - 1 + step) % 254) + 1;
    const prefix = `10.${secondOctet}.${third}`;
    const cidr = `${prefix}.0/24`;
    const range = rangeOf(cidr) as Range;
    if (!avoid.has(cidr) && !takenRanges.some((other) => overlaps(range, other))) return { cidr, prefix };
  }
  throw new FaultlineError('E_INFRASTRUCTURE', `no free /24 left in 10.${secondOctet}.0.0/16 for a cluster network`, {
    hint: 'run faultline clean to remove networks that killed runs left behind',
  });
}
