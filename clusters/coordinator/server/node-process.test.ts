/**
 * The node process at its edges: bad arguments end with one message and
 * exit 3, a port in use with exit 4, SIGTERM with exit 0; garbage on its
 * port closes that connection and nothing else; `faultline node` runs the same node.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeArguments } from './arguments.js';
import { NODE_MAIN } from './index.js';
import { ProcessCluster, delay } from './testing/process-cluster.js';

const OUTPUT = path.resolve('.test-output/coordinator-server/node-process');
const CLI = fileURLToPath(new URL('../../../harness/cli/main.js', import.meta.url));
const clusters: ProcessCluster[] = [];
after(async () => {
  for (const cluster of clusters) await cluster.killAll();
});

test('bad arguments: one clear message, exit 3, no stack', () => {
  for (const argv of [[], ['--id', 'n1', '--engine', 'paxos'], ['--id', 'n1', '--engine', 'raft', '--member', 'n1=nowhere'], ['--frobnicate']]) {
    const result = spawnSync(process.execPath, [NODE_MAIN, ...argv], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 3, `${argv.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^faultline node: /);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a node survives garbage on its port, and SIGTERM ends it with exit 0', async () => {
  const cluster = await ProcessCluster.create({ engine: 'raft', size: 1, directory: path.join(OUTPUT, 'garbage') });
  clusters.push(cluster);
  cluster.start('n1');
  await cluster.awaitLeader();
  const port = Number(cluster.members.n1?.split(':')[1]);
  const oversized = Buffer.alloc(8);
  oversized.writeUInt32BE(0xffffffff, 0);
  const notHello = Buffer.concat([Buffer.from([0, 0, 0, 13]), Buffer.from('{"type":"x"}\n')]);
  for (const bytes of [Buffer.from('GET / HTTP/1.1\r\n\r\n'), oversized, notHello]) {
    assert.equal(await closedByPeer(port, bytes), true, `connection sent ${bytes.length} bytes of garbage is closed`);
  }
  assert.equal((await cluster.admin('n1').status()).role, 'leader');
  await cluster.signal('n1', 'SIGTERM');
  assert.equal(cluster.exitCode('n1'), 0);
});

test('a port in use: exit 4', async () => {
  const cluster = await ProcessCluster.create({ engine: 'zab', size: 1, directory: path.join(OUTPUT, 'port-in-use') });
  clusters.push(cluster);
  const port = Number(cluster.members.n1?.split(':')[1]);
  const blocker = net.createServer().listen(port, '0.0.0.0');
  try {
    await new Promise((resolve) => blocker.once('listening', resolve));
    const result = spawnSync(process.execPath, [NODE_MAIN, ...nodeArguments(cluster.nodeOptions('n1'))], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 4, result.stderr);
    assert.match(result.stderr, /could not start/);
  } finally {
    blocker.close();
  }
});

test('faultline node runs the same node', async () => {
  const cluster = await ProcessCluster.create({ engine: 'zab', size: 1, directory: path.join(OUTPUT, 'cli') });
  clusters.push(cluster);
  const child = spawn(process.execPath, [CLI, 'node', ...nodeArguments(cluster.nodeOptions('n1'))], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    assert.equal(await cluster.awaitLeader(['n1'], 10_000), 'n1');
    child.kill('SIGTERM');
    assert.equal(await Promise.race([exited, delay(5000).then(() => 'timeout')]), 0);
  } finally {
    child.kill('SIGKILL');
  }
});

/** Connects, sends bytes, and tells whether the node closed the connection within a second. */
function closedByPeer(port: number, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 1000);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
