/**
 * A toy gossip protocol for the simulator's own tests: each node counts its
 * own ticks, persists the count now and then, and pushes its whole view (the
 * highest count it has seen from every node) to random peers, which merge it
 * and sometimes answer with theirs. It exercises timers, random choices,
 * storage with sync, and messages, so any non-determinism in the simulator
 * shows up in the trace.
 */
import type { Address, Message, World } from '../../../../clusters/coordinator/world.js';
import type { NodeEndpoint } from '../host.js';

export interface GossipNode extends NodeEndpoint {
  /** Highest tick count seen from each node. */
  readonly view: ReadonlyMap<Address, number>;
}

export function gossipNode(peers: readonly Address[]): (world: World) => GossipNode {
  return (world) => {
    const view = new Map<Address, number>();
    const recovered = world.storage.get('ticks');
    let ticks = typeof recovered === 'number' ? recovered : 0;
    view.set(world.self, ticks);
    world.log(`start with ${ticks} ticks`);

    const others = peers.filter((peer) => peer !== world.self);
    const pushView = (to: Address, type: string): void => {
      world.transport.send(to, { type, from: world.self, at: world.clock.nowMs(), view: Object.fromEntries(view) });
    };
    const tick = (): void => {
      ticks++;
      view.set(world.self, ticks);
      world.storage.set('ticks', ticks);
      if (world.random.next() < 0.3) world.storage.sync();
      pushView(others[world.random.integer(0, others.length)] as Address, 'gossip.push');
      world.clock.setTimer(10 + world.random.integer(0, 20), tick);
    };
    world.clock.setTimer(world.random.integer(1, 30), tick);

    return {
      view,
      receive(from: Address, message: Message): void {
        const incoming = message['view'] as Record<Address, number>;
        for (const [node, count] of Object.entries(incoming)) {
          if (count > (view.get(node) ?? -1)) view.set(node, count);
        }
        if (message.type === 'gossip.push' && world.random.next() < 0.5) pushView(from, 'gossip.reply');
      },
    };
  };
}
