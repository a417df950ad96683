/**
 * The real runtimes' stand-in nodes for the runtime conformance suite: a
 * small Node.js process per node (stand-in-node.ts) that answers one-line
 * requests over TCP, connects and sends datagrams when told to, and counts
 * what it receives.
 */
import type { Cluster, ProcessHosts } from '../index.js';
import type { RuntimeProbe } from '../testing/runtime-suite.js';
import { ask, resourcesOfRun, STAND_IN_PORT, standInSpec, waitForPong } from './test-support.js';

const CONNECT_TIMEOUT_MS = 400;
const ASK_TIMEOUT_MS = 700;
/** Time a datagram gets to arrive before it is counted. */
const DATAGRAM_WAIT_MS = 150;

export function realStandIns(runId: string): RuntimeProbe {
  let cluster: Cluster;
  let hosts: ProcessHosts;
  const address = (name: string): string => (cluster.nodes.find((node) => node.name === name) as { address: string }).address;
  return {
    startNodes: async (booted) => {
      cluster = booted;
      if (booted.hosts.kind !== 'processes') throw new Error('real stand-ins need a runtime of processes');
      hosts = booted.hosts;
      await Promise.all(booted.nodes.map((node) => hosts.start(node.name, standInSpec())));
      await Promise.all(booted.nodes.map((node) => waitForPong(node.address)));
    },
    reaches: async (from, to) => (await ask(address(from), `tcp ${address(to)} ${STAND_IN_PORT} ${CONNECT_TIMEOUT_MS}`)) === 'connected',
    ask: async (node) => {
      const answer = await ask(address(node), 'ping', ASK_TIMEOUT_MS);
      if (answer === 'pong') return 'answered';
      return answer === 'TIMEOUT' ? 'silent' : 'refused';
    },
    sendDatagram: async (from, to) => {
      await ask(address(from), `udp ${address(to)} ${STAND_IN_PORT}`);
      await new Promise((resolve) => setTimeout(resolve, DATAGRAM_WAIT_MS));
    },
    datagramsReceived: async (node) => Number(await ask(address(node), 'udp-count')),
    isRunning: (node) => hosts.isRunning(node),
    leftovers: () => resourcesOfRun(runId),
  };
}
