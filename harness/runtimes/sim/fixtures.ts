/** Small endpoints shared by the simulator's tests. */
import type { Address, Message, World } from '../../../clusters/coordinator/world.js';
import type { NodeEndpoint } from './host.js';

export interface Received {
  from: Address;
  message: Message;
  atMs: number;
}

/** An endpoint that keeps what it receives, with the virtual time it arrived. */
export class Recorder implements NodeEndpoint {
  readonly received: Received[] = [];
  stopped = false;

  constructor(private readonly now: () => number) {}

  receive(from: Address, message: Message): void {
    this.received.push({ from, message, atMs: this.now() });
  }

  stop(): void {
    this.stopped = true;
  }

  types(): string[] {
    return this.received.map((entry) => entry.message.type);
  }
}

/** A factory that records each World it hands out, so a test can act as the node. */
export function capturingFactory(now: () => number): { factory: (world: World) => Recorder; worlds: World[]; recorders: Recorder[] } {
  const worlds: World[] = [];
  const recorders: Recorder[] = [];
  return {
    worlds,
    recorders,
    factory: (world) => {
      worlds.push(world);
      const recorder = new Recorder(now);
      recorders.push(recorder);
      return recorder;
    },
  };
}
