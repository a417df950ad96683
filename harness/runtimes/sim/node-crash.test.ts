/**
 * A throw inside a server node's own code is that node crashing (a finding
 * about the system under test); a throw from the harness's code (an action,
 * a client) stays the harness's own error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Endpoint, World } from '../../../clusters/coordinator/world.js';
import { NodeCrashError } from './node-crash.js';
import { Simulation } from './simulation.js';

/** A node that throws on a message of type "boom", and logs every message it handles. */
function fragileNode(world: World): Endpoint {
  return {
    receive(_from, message) {
      world.log(`got ${message.type}`);
      if (message.type === 'boom') throw new TypeError('cannot read properties of undefined');
    },
  };
}

function cluster(): { simulation: Simulation; client: World } {
  const simulation = new Simulation({ seed: 3, network: { latency: { baseMs: 1, tailMeanMs: 0 } } });
  simulation.addNode('n1', fragileNode);
  const client = simulation.addClient('c1', { receive: () => undefined });
  return { simulation, client };
}

test('a throw in a node\'s message handler is that node\'s crash: named, timed, logged, and the node is dropped', () => {
  const { simulation, client } = cluster();
  client.transport.send('n1', { type: 'hello' });
  simulation.after(5, 'send boom', () => client.transport.send('n1', { type: 'boom' }));
  const crash = (() => {
    try {
      simulation.run(100);
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  assert.ok(crash instanceof NodeCrashError, `expected a NodeCrashError, got ${String(crash)}`);
  assert.equal(crash.node, 'n1');
  assert.equal(crash.reason, 'TypeError: cannot read properties of undefined');
  assert.ok(crash.virtualMs >= 6 && crash.virtualMs < 7, `crashed at ${crash.virtualMs} ms`);
  assert.match(crash.nodeStack ?? '', /fragileNode|receive/);
  assert.equal(simulation.state('n1'), 'crashed');
  assert.match(simulation.logs('n1').at(-1) ?? '', /\*\*\* crashed: TypeError/);
  // The simulation can go on: the crashed node is down until restarted, like a dead process.
  simulation.restart('n1');
  client.transport.send('n1', { type: 'hello' });
  simulation.run(200);
  assert.match(simulation.logs('n1').at(-1) ?? '', /got hello/);
});

test('a throw in a node\'s timer is its crash too', () => {
  const simulation = new Simulation({ seed: 3 });
  simulation.addNode('n1', (world) => {
    world.clock.setTimer(10, () => assert.fail('leader state only exists on a leader'));
    return { receive: () => undefined };
  });
  assert.throws(() => simulation.run(50), (error: unknown) => error instanceof NodeCrashError && error.node === 'n1' && /AssertionError: leader state/.test(error.reason));
});

test('a node that throws while starting from its storage crashed; the host is left down', () => {
  const simulation = new Simulation({ seed: 3 });
  let boots = 0;
  simulation.addNode('n1', () => {
    if (++boots > 1) throw new RangeError('corrupt log');
    return { receive: () => undefined };
  });
  simulation.crash('n1');
  assert.throws(() => simulation.restart('n1'), (error: unknown) => error instanceof NodeCrashError && error.reason === 'RangeError: corrupt log');
  assert.equal(simulation.state('n1'), 'crashed');
});

test('a throw from the harness (an action) or a client is not a node crash', () => {
  const { simulation, client } = cluster();
  simulation.after(1, 'harness bug', () => {
    throw new Error('harness bug');
  });
  assert.throws(() => simulation.run(10), (error: unknown) => !(error instanceof NodeCrashError) && (error as Error).message === 'harness bug');
  const clientSimulation = new Simulation({ seed: 4 });
  clientSimulation.addNode('n1', (world) => ({ receive: (from) => world.transport.send(from, { type: 'reply' }) }));
  const caller = clientSimulation.addClient('c1', () => ({
    receive: () => {
      throw new Error('client bug');
    },
  }));
  caller.transport.send('n1', { type: 'ask' });
  assert.throws(() => clientSimulation.run(100), (error: unknown) => !(error instanceof NodeCrashError) && (error as Error).message === 'client bug');
  assert.equal(client.self, 'c1');
});
