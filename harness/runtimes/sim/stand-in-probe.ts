/**
 * The simulator's stand-in nodes for the runtime conformance suite: each
 * answers a ping, pings another node when told to, and counts datagrams; a
 * probe client host (in no partition group, like the harness on a real
 * runtime) asks them, and waits in virtual time.
 */
import type { Message, World } from '../../../clusters/coordinator/world.js';
import type { Cluster, SimulatedHosts } from '../index.js';
import type { RuntimeProbe } from '../testing/runtime-suite.js';

const ANSWER_TIMEOUT_MS = 500;
const PROBE = 'probe';

class StandIn {
  datagrams = 0;

  constructor(private readonly world: World) {}

  receive(from: string, message: Message): void {
    const send = (to: string, reply: Message): void => this.world.transport.send(to, reply);
    if (message.type === 'ping') send(from, { type: 'pong', id: message['id'] });
    else if (message.type === 'reach') send(String(message['to']), { type: 'ping', id: message['id'] });
    else if (message.type === 'pong' && from !== PROBE) send(PROBE, { type: 'reached', id: message['id'] });
    else if (message.type === 'send-datagram') send(String(message['to']), { type: 'datagram' });
    else if (message.type === 'datagram') this.datagrams += 1;
    else if (message.type === 'count') send(from, { type: 'counted', id: message['id'], count: this.datagrams });
  }
}

export function simulatedStandIns(): RuntimeProbe {
  let cluster: Cluster;
  let simulation: SimulatedHosts;
  let probeWorld: World;
  let nextId = 1;
  const replies = new Map<number, Message>();
  // Ask a node and wait, in virtual time, for the reply with this id.
  const request = async (node: string, message: Message, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Message | undefined> => {
    const id = nextId++;
    probeWorld.transport.send(node, { ...message, id });
    await cluster.waitUntil(() => replies.has(id), timeoutMs);
    return replies.get(id);
  };
  return {
    startNodes: async (booted) => {
      cluster = booted;
      if (booted.hosts.kind !== 'simulated') throw new Error('simulated stand-ins need the simulator');
      simulation = booted.hosts.simulation;
      for (const node of booted.nodes) simulation.addNode(node.name, (world) => new StandIn(world));
      probeWorld = simulation.addClient(PROBE, () => ({ receive: (_from: string, message: Message) => void replies.set(Number(message['id']), message) }));
    },
    reaches: async (from, to) => (await request(from, { type: 'reach', to }))?.type === 'reached',
    ask: async (node) => {
      if (simulation.state(node) === 'crashed') return (await request(node, { type: 'ping' })) === undefined ? 'refused' : 'answered';
      return (await request(node, { type: 'ping' })) === undefined ? 'silent' : 'answered';
    },
    sendDatagram: async (from, to) => {
      probeWorld.transport.send(from, { type: 'send-datagram', to });
      await cluster.waitUntil(() => false, 200);
    },
    datagramsReceived: async (node) => Number((await request(node, { type: 'count' }))?.['count'] ?? Number.NaN),
    isRunning: async (node) => simulation.state(node) !== 'crashed',
    leftovers: async () => [],
  };
}
