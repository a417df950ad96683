/**
 * ZooKeeper's four-letter words over its client port: `srvr` for a node's
 * role and zxid, `envi` for the JVM it runs on. Each ask has a deadline, so a
 * paused or cut-off node cannot hold up a probe of the others.
 */
import { createConnection } from 'node:net';

/** An answer longer than this is not one of ours (envi is about 2 kB). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Sends the word, reads until the server closes; rejects on error, timeout or an oversized answer. */
export function askFourLetterWord(host: string, port: number, word: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(new Error(`${word} to ${host}:${port}: no answer within ${timeoutMs} ms`)), timeoutMs);
    function finish(error?: Error): void {
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(error);
    }
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > MAX_ANSWER_BYTES) finish(new Error(`${word} to ${host}:${port}: answer over ${MAX_ANSWER_BYTES} bytes`));
    });
    socket.on('end', () => finish());
    socket.on('error', (error) => finish(error));
  });
}

export interface ServerStatus {
  /** leader, follower, observer, standalone; "looking" when the node is not serving (no quorum). */
  mode: string;
  /** The epoch: the zxid's high 32 bits; 0 when the node is not serving. */
  epoch: number;
  /** The zxid's low 32 bits: the last transaction's counter in the epoch. */
  counter: number;
  zxid: bigint;
  /** "3.8.0-..., built on ..." */
  version: string | null;
}

const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

/** Parses srvr's answer; a node without quorum says it is not serving. */
export function parseSrvr(text: string): ServerStatus {
  if (text.includes(NOT_SERVING)) return { mode: 'looking', epoch: 0, counter: 0, zxid: 0n, version: null };
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const mode = fields.get('Mode');
  const zxidText = fields.get('Zxid');
  if (mode === undefined || zxidText === undefined || !/^0x[0-9a-f]+$/i.test(zxidText)) {
    throw new Error(`srvr answer without Mode and Zxid: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const zxid = BigInt(zxidText);
  return { mode, epoch: Number(zxid >> 32n), counter: Number(zxid & 0xffffffffn), zxid, version: fields.get('Zookeeper version') ?? null };
}

/** Parses envi's `key=value` lines. */
export function parseEnvi(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values.set(line.slice(0, equals).trim(), line.slice(equals + 1).trim());
  }
  return values;
}
