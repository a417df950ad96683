/** Free TCP ports on loopback for tests: a random start in a high range, each port tried by binding it. */
import net from 'node:net';

const RANGE = { min: 30000, max: 60000 } as const;
const MAX_ATTEMPTS = 2000;

export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  let candidate = RANGE.min + Math.floor(Math.random() * (RANGE.max - RANGE.min - count * 4));
  for (let attempt = 0; attempt < MAX_ATTEMPTS && ports.length < count; attempt++, candidate++) {
    if (candidate >= RANGE.max) candidate = RANGE.min;
    if (await canListen(candidate)) ports.push(candidate);
  }
  if (ports.length < count) throw new Error(`found only ${ports.length} of ${count} free ports`);
  return ports;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
