/**
 * Free TCP ports on loopback for tests: a random start in a range below the
 * kernel's ephemeral ports, each port tried by binding it. Below, because a
 * port in the ephemeral range that is free now may be taken by any outgoing
 * connection (the cluster's own nodes dialling each other) before the node
 * that was meant to listen on it binds.
 */
import fs from 'node:fs';
import net from 'node:net';

const DEFAULT_RANGE = { min: 20000, max: 32000 } as const;
const MAX_ATTEMPTS = 2000;

export async function freePorts(count: number): Promise<number[]> {
  const range = portRange();
  const ports: number[] = [];
  let candidate = range.min + Math.floor(Math.random() * (range.max - range.min - count * 4));
  for (let attempt = 0; attempt < MAX_ATTEMPTS && ports.length < count; attempt++, candidate++) {
    if (candidate >= range.max) candidate = range.min;
    if (await canListen(candidate)) ports.push(candidate);
  }
  if (ports.length < count) throw new Error(`found only ${ports.length} of ${count} free ports`);
  return ports;
}

/** The default range, cut short should the ephemeral range start lower on this machine. */
function portRange(): { min: number; max: number } {
  try {
    const [ephemeralStart] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (ephemeralStart !== undefined && ephemeralStart > DEFAULT_RANGE.min + 2000) {
      return { min: DEFAULT_RANGE.min, max: Math.min(DEFAULT_RANGE.max, ephemeralStart) };
    }
  } catch {
    // Not Linux, or no /proc: the default range.
  }
  return DEFAULT_RANGE;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
