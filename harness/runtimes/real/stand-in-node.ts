/**
 * A tiny node process for the real runtimes' tests, standing in for a real
 * system: `node stand-in-node.js <port>` answers one-line requests on TCP
 * <port> and counts UDP datagrams on the same port. Requests:
 *   ping                       -> pong
 *   tcp <address> <port> <ms>  -> connected | refused | timeout (a connect from this node)
 *   udp <address> <port>       -> sent (one datagram from this node)
 *   udp-count                  -> datagrams received so far
 */
import { createSocket } from 'node:dgram';
import { createConnection, createServer, type Socket } from 'node:net';

const port = Number(process.argv[2]);
let datagrams = 0;

const udp = createSocket('udp4');
udp.on('message', () => datagrams++);
udp.bind(port);

function tryConnect(address: string, targetPort: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port: targetPort });
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    function finish(answer: string): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    }
    socket.on('connect', () => finish('connected'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNREFUSED' ? 'refused' : `error ${error.code}`));
  });
}

async function answer(line: string): Promise<string> {
  const [verb, address, portText, timeoutText] = line.trim().split(' ');
  if (verb === 'ping') return 'pong';
  if (verb === 'udp-count') return String(datagrams);
  if (verb === 'tcp') return tryConnect(address ?? '', Number(portText), Number(timeoutText ?? 500));
  if (verb === 'udp') {
    await new Promise<void>((resolve) => udp.send('x', Number(portText), address, () => resolve()));
    return 'sent';
  }
  return `unknown ${verb}`;
}

const server = createServer((socket: Socket) => {
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      void answer(line).then((reply) => socket.write(`${reply}\n`));
    }
  });
  socket.on('error', () => socket.destroy());
});
server.listen(port, () => process.stdout.write(`stand-in node listening on ${port}\n`));
