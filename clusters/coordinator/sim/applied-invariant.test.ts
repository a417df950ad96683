import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineStatus, LogEntry, Position } from '../engine.js';
import { ConsensusInvariants, InvariantViolation, type EngineView } from './invariants.js';

/** An engine that commits the entries given, in order; nothing else. */
class CommittingEngine implements EngineView {
  private readonly log: LogEntry[] = [];

  constructor(readonly self: string) {}

  status(): EngineStatus {
    const commitPosition = this.log.at(-1)?.position ?? 0;
    return { self: this.self, role: 'follower', epoch: 1, leader: null, commitPosition, lastPosition: commitPosition };
  }

  committedEntries(fromPosition: Position): LogEntry[] {
    return this.log.filter((entry) => entry.position >= fromPosition);
  }

  commit(...entries: LogEntry[]): this {
    this.log.push(...entries);
    return this;
  }
}

function entry(position: Position, epoch: number, value: string): LogEntry {
  return { position, epoch, command: { kind: 'set', value } };
}

function brokenBy(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof InvariantViolation, `expected an InvariantViolation, got ${String(error)}`);
    assert.equal(error.invariant, 'applied-entries-committed');
    assert.match(error.message, pattern);
    return true;
  };
}

test('an entry applied ahead of its commit settles once the cluster commits the same entry there', () => {
  const invariants = new ConsensusInvariants();
  const leader = new CommittingEngine('n1').commit(entry(1, 1, 'a'));
  const follower = {};
  invariants.checkEngine(leader);
  invariants.checkApplied('n2', follower, [entry(2, 1, 'b')]);
  leader.commit(entry(2, 1, 'b'), entry(3, 1, 'c'));
  invariants.checkEngine(leader);
  assert.doesNotThrow(() => invariants.checkApplied('n2', follower, []));
  // Settled: a later commit elsewhere does not judge it again.
  leader.commit(entry(4, 2, 'd'));
  invariants.checkEngine(leader);
  assert.doesNotThrow(() => invariants.checkApplied('n2', follower, []));
});

test('an applied entry the cluster replaces at its position breaks applied-entries-committed, naming both', () => {
  const invariants = new ConsensusInvariants();
  const leader = new CommittingEngine('n1').commit(entry(1, 1, 'a'));
  invariants.checkEngine(leader);
  invariants.checkApplied('n3', {}, [entry(2, 1, 'stale')]);
  leader.commit(entry(2, 2, 'new'));
  invariants.checkEngine(leader);
  assert.throws(
    () => invariants.checkApplied('n1', leader, []),
    brokenBy(/^invariant applied-entries-committed broken on n3: it applied epoch 1 \{"kind":"set","value":"stale"\} at position 2 before it was committed, but n1 committed a different entry there \(epoch 2\)/),
  );
});

test('an applied entry the cluster skips (ZAB: a new epoch starts past it) breaks it once a node commits past it with no gap', () => {
  const invariants = new ConsensusInvariants();
  const leader = new CommittingEngine('n1').commit(entry(10, 1, 'a'));
  invariants.checkEngine(leader);
  invariants.checkApplied('n2', {}, [entry(11, 1, 'uncommitted')]);
  // The same step's batch carries 10 and 20 back to back: nothing between them was committed.
  const other = new CommittingEngine('n3').commit(entry(10, 1, 'a'), entry(20, 2, 'next'));
  assert.throws(() => {
    invariants.checkEngine(other);
    invariants.checkApplied('n3', other, []);
  }, brokenBy(/on n2: it applied epoch 1 .* at position 11 before it was committed, but the cluster skipped it: n3 committed 20 right after 10/));
});

test('an applied entry waits while the cluster has not decided its position, and a restarted node forgets what it applied', () => {
  const invariants = new ConsensusInvariants();
  const leader = new CommittingEngine('n1').commit(entry(1, 1, 'a'));
  invariants.checkEngine(leader);
  invariants.checkApplied('n2', { boot: 1 }, [entry(2, 1, 'pending')]);
  // A node whose first report lies past a snapshot leaves a gap nobody vouched for: 2 may still be filled in.
  invariants.checkEngine(new CommittingEngine('n3').commit(entry(5, 2, 'later')));
  assert.doesNotThrow(() => invariants.checkApplied('n3', {}, []));
  // n2 restarted: its state was rebuilt from its log, without the entry it applied early.
  assert.doesNotThrow(() => invariants.checkApplied('n2', { boot: 2 }, []));
  leader.commit(entry(2, 2, 'replacement'));
  assert.doesNotThrow(() => {
    invariants.checkEngine(leader);
    invariants.checkApplied('n1', leader, []);
  });
});

test('a restarted node forgets what it applied early, however many steps it takes, and another node\'s early entry is still judged', () => {
  const invariants = new ConsensusInvariants();
  const leader = new CommittingEngine('n1').commit(entry(1, 1, 'a'));
  invariants.checkEngine(leader);
  invariants.checkApplied('n2', { boot: 1 }, [entry(2, 1, 'forgotten')]);
  const restarted = { boot: 2 };
  for (let step = 0; step < 3; step++) invariants.checkApplied('n2', restarted, []);
  invariants.checkApplied('n3', {}, [entry(3, 1, 'early')]);
  leader.commit(entry(2, 2, 'other'), entry(3, 2, 'replacement'));
  invariants.checkEngine(leader);
  assert.throws(() => invariants.checkApplied('n2', restarted, []), brokenBy(/broken on n3: it applied epoch 1 .*"early".* at position 3/));
});
