/**
 * Helpers for the real runtimes' tests: the stand-in node process, one-line
 * requests to it from the host, and what a run left on the host (to prove
 * teardown and `faultline clean` remove everything).
 */
import { createConnection } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { pollUntil, tryCommand } from './host-commands.js';
import { processAlive } from './node-files.js';
import { FORWARD_COMMENT_PREFIX, LABEL_RUN, resourceName, runHash } from './names.js';
import type { NodeProcessSpec } from './types.js';

export const STAND_IN_PORT = 7000;
export const PROJECT_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const TEST_OUTPUT = path.join(PROJECT_DIRECTORY, '.test-output', 'runtimes');

export function standInSpec(): NodeProcessSpec {
  return { command: process.execPath, args: [fileURLToPath(new URL('./stand-in-node.js', import.meta.url)), String(STAND_IN_PORT)] };
}

/** Sends one line to a stand-in node from the host; the reply, or "TIMEOUT" / "ERROR <code>". */
export function ask(address: string, line: string, timeoutMs = 1_500): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port: STAND_IN_PORT });
    let reply = '';
    const timer = setTimeout(() => finish('TIMEOUT'), timeoutMs);
    function finish(answer: string): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    }
    socket.on('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\n')) finish(reply.trim());
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(`ERROR ${error.code}`));
  });
}

/** Polls a stand-in until it answers ping (a process just started needs a moment to listen). */
export async function waitForPong(address: string, timeoutMs = 5_000): Promise<void> {
  if (!(await pollUntil(async () => (await ask(address, 'ping', 500)) === 'pong', timeoutMs, 50))) {
    throw new Error(`${address} did not answer ping within ${timeoutMs} ms`);
  }
}

/** Everything of one run still on the host, one line each (empty when the run left nothing). */
export async function resourcesOfRun(runId: string): Promise<string[]> {
  const found: string[] = [];
  const docker = new Docker();
  const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] });
  for (const container of await docker.listContainers({ all: true, filters })) found.push(`container ${container.Names[0]}`);
  for (const network of await docker.listNetworks({ filters })) found.push(`network ${network.Name}`);
  const namespaces = (await tryCommand('ip', ['netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0] ?? '');
  for (const namespace of namespaces) if (namespace.startsWith(`${resourceName(runId)}-`)) found.push(`namespace ${namespace}`);
  const links = JSON.parse((await tryCommand('ip', ['-j', 'link'])).stdout) as { ifname: string }[];
  for (const link of links) if (link.ifname.startsWith(`flt${runHash(runId)}`)) found.push(`interface ${link.ifname}`);
  for (const rule of (await tryCommand('iptables', ['-w', '-S', 'FORWARD'])).stdout.split('\n')) {
    if (rule.includes(`${FORWARD_COMMENT_PREFIX}${runId} `) || rule.includes(`${FORWARD_COMMENT_PREFIX}${runId}"`)) found.push(`rule ${rule}`);
  }
  return found;
}

export function processGone(pid: number): boolean {
  return !processAlive(pid);
}
