import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command, EngineStatus, LogEntry, Position, Role } from '../engine.js';
import { ConsensusInvariants, InvariantViolation, type EngineView, type InvariantName } from './invariants.js';
import { Simulation } from '../../../harness/runtimes/sim/simulation.js';
import { toyClient, toyReplicaNode, type ToyNode } from '../../../harness/runtimes/sim/toys/replication.js';

/** An engine whose state the test sets by hand. */
class FakeEngine implements EngineView {
  role: Role = 'follower';
  epoch = 1;
  log: LogEntry[] = [];
  commitPosition: Position = 0;
  committedCalls = 0;

  constructor(readonly self: string) {}

  status(): EngineStatus {
    const lastPosition = this.log.at(-1)?.position ?? 0;
    return { self: this.self, role: this.role, epoch: this.epoch, leader: null, commitPosition: this.commitPosition, lastPosition };
  }

  committedEntries(fromPosition: Position): LogEntry[] {
    this.committedCalls++;
    return this.log.filter((entry) => entry.position >= fromPosition && entry.position <= this.commitPosition);
  }

  /** Appends entries (position, epoch, value) and commits through the last. */
  commit(...entries: [Position, number, string][]): this {
    for (const [position, epoch, value] of entries) this.log.push({ position, epoch, command: command(value) });
    this.commitPosition = this.log.at(-1)?.position ?? 0;
    return this;
  }
}

function command(value: string): Command {
  return { kind: 'set', value };
}

function violates(invariant: InvariantName, action: () => void): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof InvariantViolation, `expected an InvariantViolation, got ${String(error)}`);
    assert.equal(error.invariant, invariant, error.message);
    return true;
  });
}

test('agreeing logs, growing commits and one leader per epoch pass', () => {
  const invariants = new ConsensusInvariants();
  const [a, b, c] = [new FakeEngine('a'), new FakeEngine('b'), new FakeEngine('c')];
  a.role = 'leader';
  a.commit([1, 1, 'x'], [2, 1, 'y']);
  b.commit([1, 1, 'x']);
  invariants.check([a, b, c]);
  b.commit([2, 1, 'y']);
  a.epoch = 2;
  a.commit([3, 2, 'z']);
  c.commit([1, 1, 'x'], [2, 1, 'y'], [3, 2, 'z']);
  invariants.check([a, b, c]);
  a.role = 'follower';
  b.role = 'leader';
  b.epoch = 3;
  invariants.check([a, b, c]);
  assert.equal(invariants.committedCount, 3);
});

test('checks are incremental: an unchanged commit position reads no entries', () => {
  const invariants = new ConsensusInvariants();
  const engine = new FakeEngine('a').commit([1, 1, 'x']);
  for (let step = 0; step < 100; step++) invariants.check([engine]);
  assert.equal(engine.committedCalls, 1);
  engine.commit([2, 1, 'y']);
  invariants.check([engine]);
  assert.equal(engine.committedCalls, 2);
});

test('two leaders in one epoch break one-leader-per-epoch', () => {
  const invariants = new ConsensusInvariants();
  const [a, b] = [new FakeEngine('a'), new FakeEngine('b')];
  a.role = 'leader';
  invariants.check([a, b]);
  a.role = 'follower';
  b.role = 'leader';
  violates('one-leader-per-epoch', () => invariants.check([a, b]));
});

test('a node committing a different entry at a committed position breaks committed-entries-agree', () => {
  const invariants = new ConsensusInvariants();
  invariants.check([new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'y'])]);
  violates('committed-entries-agree', () => invariants.check([new FakeEngine('b').commit([1, 1, 'x'], [2, 1, 'other'])]));
  const epochOnly = new ConsensusInvariants();
  epochOnly.check([new FakeEngine('a').commit([1, 1, 'x'])]);
  violates('committed-entries-agree', () => epochOnly.check([new FakeEngine('b').commit([1, 2, 'x'])]));
});

test('skipping a position others committed breaks committed-entry-lost, either way round', () => {
  const invariants = new ConsensusInvariants();
  invariants.check([new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'y'], [3, 1, 'z'])]);
  violates('committed-entry-lost', () => invariants.check([new FakeEngine('b').commit([1, 1, 'x'], [3, 1, 'z'])]));
  const reverse = new ConsensusInvariants();
  reverse.check([new FakeEngine('a').commit([10, 1, 'x'], [30, 1, 'z'])]);
  violates('committed-entry-lost', () => reverse.check([new FakeEngine('b').commit([10, 1, 'x'], [20, 1, 'y'])]));
});

test('commit and epoch going backwards on a running engine are caught', () => {
  const invariants = new ConsensusInvariants();
  const engine = new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'y']);
  invariants.check([engine]);
  engine.commitPosition = 1;
  violates('commit-never-regresses', () => invariants.check([engine]));
  const epochs = new ConsensusInvariants();
  const other = new FakeEngine('b');
  other.epoch = 5;
  epochs.check([other]);
  other.epoch = 4;
  violates('epoch-never-decreases', () => epochs.check([other]));
});

test('a committed log out of order breaks committed-log-order', () => {
  violates('committed-log-order', () => new ConsensusInvariants().check([new FakeEngine('a').commit([1, 2, 'x'], [2, 1, 'y'])]));
  const engine = new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'y']);
  engine.committedEntries = () => [...engine.log].reverse();
  violates('committed-log-order', () => new ConsensusInvariants().check([engine]));
});

test('a restarted node (a new engine object) is followed from its start again', () => {
  const invariants = new ConsensusInvariants();
  invariants.check([new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'y'], [3, 1, 'z'])]);
  const restarted = new FakeEngine('a').commit([1, 1, 'x']);
  invariants.check([restarted]);
  restarted.commit([2, 1, 'y'], [3, 1, 'z'], [4, 1, 'w']);
  invariants.check([restarted]);
  violates('committed-entries-agree', () => invariants.check([new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'changed'])]));
});

test('a batch starting past a snapshot is allowed unless snapshot jumps are off', () => {
  const cluster = (): EngineView => new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'y'], [3, 1, 'z'], [4, 1, 'w']);
  const lenient = new ConsensusInvariants();
  lenient.check([cluster()]);
  lenient.check([new FakeEngine('b').commit([3, 1, 'z'], [4, 1, 'w'], [5, 1, 'v'])]);
  violates('committed-entries-agree', () => lenient.check([new FakeEngine('c').commit([3, 1, 'z'], [4, 1, 'nope'])]));
  const strict = new ConsensusInvariants({ allowSnapshotJumps: false });
  strict.check([cluster()]);
  violates('committed-entry-lost', () => strict.check([new FakeEngine('b').commit([3, 1, 'z'])]));
});

test('as a simulation observer, a healthy replicated cluster breaks nothing', () => {
  const simulation = new Simulation({ seed: 11 });
  const members = ['n1', 'n2', 'n3'];
  for (const address of members) simulation.addNode(address, toyReplicaNode(members));
  simulation.addClient('c1', toyClient({ leader: 'n1', opsPerSecond: 50, timeoutMs: 500, record: () => {} }));
  const invariants = new ConsensusInvariants();
  simulation.addObserver(invariants.observer(() => members.map((address) => simulation.endpoint(address) as ToyNode)));
  simulation.run(5_000);
  assert.ok(invariants.committedCount > 200, `only ${invariants.committedCount} committed`);
});

test('as a simulation observer, a broken node stops the run at once', () => {
  const simulation = new Simulation({ seed: 11 });
  const members = ['n1', 'n2', 'n3'];
  for (const address of members) simulation.addNode(address, toyReplicaNode(members));
  simulation.addClient('c1', toyClient({ leader: 'n1', opsPerSecond: 50, timeoutMs: 500, record: () => {} }));
  const liar = new FakeEngine('n2');
  simulation.at(1_000, 'corrupt n2', () => liar.commit([1, 1, 'not what n1 committed']));
  const invariants = new ConsensusInvariants();
  simulation.addObserver(invariants.observer(() => [simulation.endpoint('n1') as ToyNode, liar]));
  assert.throws(() => simulation.run(5_000), /committed-entries-agree.*virtual time 1000\.000 ms/);
});

test('a gap a snapshot jump left may be filled by a node that committed it, but not a verified one', () => {
  const invariants = new ConsensusInvariants();
  const lagging = new FakeEngine('a').commit([1, 1, 'x'], [2, 1, 'y']);
  const leading = new FakeEngine('b').commit([1, 1, 'x'], [2, 1, 'y']);
  invariants.check([lagging, leading]);
  // b compacts through 4 between checks, so it reports 5 straight after 2.
  leading.commit([3, 1, 'z'], [4, 1, 'w'], [5, 1, 'v']);
  leading.committedEntries = (from) => leading.log.filter((entry) => entry.position >= Math.max(from, 5) && entry.position <= leading.commitPosition);
  invariants.check([leading]);
  lagging.commit([3, 1, 'z'], [4, 1, 'w'], [5, 1, 'v'], [6, 1, 'u']);
  invariants.check([lagging]);
  leading.commit([6, 1, 'u']);
  invariants.check([leading]);
  assert.equal(invariants.committedCount, 6);
  // a has now vouched that nothing lies between 4 and 5; a claim otherwise is a lost entry.
  violates('committed-entry-lost', () => invariants.check([new FakeEngine('c').commit([1, 1, 'x'], [2, 1, 'y'], [3, 1, 'z'], [4, 1, 'w'], [4.5, 1, 'extra'])]));
});

test('zxid-like positions: a new epoch starts a new counter without looking like a lost entry', () => {
  const invariants = new ConsensusInvariants();
  const zxid = (epoch: number, counter: number): number => epoch * 2 ** 32 + counter;
  const a = new FakeEngine('a').commit([zxid(1, 1), 1, 'x'], [zxid(1, 2), 1, 'y']);
  const b = new FakeEngine('b').commit([zxid(1, 1), 1, 'x']);
  invariants.check([a, b]);
  a.commit([zxid(2, 1), 2, 'z']);
  b.commit([zxid(1, 2), 1, 'y'], [zxid(2, 1), 2, 'z']);
  invariants.check([a, b]);
  assert.equal(invariants.committedCount, 3);
});

test('addInvariantChecks checks only the node a step ran, and every node after an action', () => {
  const simulation = new Simulation({ seed: 4 });
  const engines = new Map<string, FakeEngine>();
  const calls = new Map<string, number>();
  for (const address of ['n1', 'n2']) {
    simulation.addNode(address, () => {
      const engine = new FakeEngine(address);
      const status = engine.status.bind(engine);
      engine.status = () => {
        calls.set(address, (calls.get(address) ?? 0) + 1);
        return status();
      };
      engines.set(address, engine);
      return { engine, receive: (_from, message) => void (message.type === 'commit' && engine.commit([1, 1, String(message['value'])])) };
    });
  }
  const client = simulation.addClient('c1', { receive: () => {} });
  const invariants = new ConsensusInvariants();
  simulation.addStepChecks((endpoint) => invariants.checkEngine((endpoint as unknown as { engine: FakeEngine }).engine));
  client.transport.send('n1', { type: 'commit', value: 'x' });
  simulation.run(10);
  assert.deepEqual([calls.get('n1'), calls.get('n2')], [1, undefined]);
  simulation.at(20, 'touch everything', () => {});
  simulation.run(30);
  assert.deepEqual([calls.get('n1'), calls.get('n2')], [2, 1]);
  client.transport.send('n2', { type: 'commit', value: 'different' });
  assert.throws(() => simulation.run(40), /committed-entries-agree broken on n2/);
});

test('a batch that follows the last committed entry in the same log vouches for the gap between them, so a position committed there later is lost', () => {
  const invariants = new ConsensusInvariants();
  const [a, b] = [new FakeEngine('a'), new FakeEngine('b')];
  a.commit([10, 1, 'x']);
  invariants.check([a]);
  // A new epoch starts past the positions the last one left unused (ZAB's zxids), in a later step.
  a.epoch = 2;
  a.commit([20, 2, 'y']);
  invariants.check([a]);
  b.commit([10, 1, 'x'], [15, 1, 'truncated']);
  violates('committed-entry-lost', () => invariants.check([b]));
});
