import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceStateMachine, BUG_EPHEMERAL_OUTLIVES_SESSION, DEDUP_RESULTS_PER_SESSION, type ApplyOutcome } from './state-machine.js';
import type { GetDataValue, OperationResult, ServiceCommand, Stat, WriteOperation } from './types.js';
import { MAX_DATA_BYTES } from './types.js';

class Machine {
  readonly state: ServiceStateMachine;
  private position = 0;
  private requestId = 0;

  constructor(bugs: readonly string[] = []) {
    this.state = new ServiceStateMachine(new Set(bugs));
  }

  /** engineEpoch above 1: the entry (of epoch 1) reaches this replica after a leader change. */
  apply(command: ServiceCommand, engineEpoch = 1): ApplyOutcome {
    return this.state.apply({ position: ++this.position, epoch: 1, command }, engineEpoch);
  }

  openSession(owner = 'c1', timeoutMs = 1000): number {
    const outcome = this.apply({ kind: 'create-session', owner, connectionId: this.position + 1, timeoutMs });
    assert.ok(outcome.result?.ok === true);
    return (outcome.result.value as { sessionId: number }).sessionId;
  }

  write(sessionId: number, operation: WriteOperation): OperationResult {
    const outcome = this.apply({ kind: 'write', sessionId, requestId: ++this.requestId, operation });
    assert.ok(outcome.result !== null);
    return outcome.result;
  }

  stat(path: string): Stat {
    const result = this.state.read({ type: 'exists', path });
    assert.ok(result.ok && result.value !== null, `${path} missing`);
    return result.value as Stat;
  }

  data(path: string): string | null {
    const result = this.state.read({ type: 'getData', path });
    return result.ok ? (result.value as GetDataValue).data : null;
  }

  children(path: string): string[] {
    const result = this.state.read({ type: 'getChildren', path });
    assert.ok(result.ok);
    return (result.value as { children: string[] }).children;
  }
}

function treeOf(machine: Machine): string {
  return JSON.stringify((machine.state.takeSnapshot().state as { tree: unknown }).tree);
}

function code(result: OperationResult): string {
  return result.ok ? 'OK' : result.code;
}

test('create sets every stat field and updates the parent', () => {
  const machine = new Machine();
  const session = machine.openSession();
  assert.deepEqual(machine.write(session, { type: 'create', path: '/a', data: 'héllo' }), {
    ok: true,
    value: { path: '/a', stat: { czxid: 2, mzxid: 2, pzxid: 2, version: 0, cversion: 0, ephemeralOwner: 0, dataLength: 6, numChildren: 0 } },
  });
  machine.write(session, { type: 'create', path: '/a/b', data: '', ephemeral: true });
  const parent = machine.stat('/a');
  assert.deepEqual([parent.cversion, parent.pzxid, parent.numChildren, parent.mzxid, parent.version], [1, 3, 1, 2, 0]);
  assert.equal(machine.stat('/a/b').ephemeralOwner, session);
  assert.equal(machine.data('/a'), 'héllo');
  assert.deepEqual(machine.state.read({ type: 'exists', path: '/nothing' }), { ok: true, value: null });
});

test('create refuses with ZooKeeper error codes', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/a', data: '' });
  machine.write(session, { type: 'create', path: '/e', data: '', ephemeral: true });
  const cases: Array<[WriteOperation, string]> = [
    [{ type: 'create', path: '/a', data: 'x' }, 'NODEEXISTS'],
    [{ type: 'create', path: '/missing/child', data: '' }, 'NONODE'],
    [{ type: 'create', path: '/e/child', data: '' }, 'NOCHILDRENFOREPHEMERALS'],
    [{ type: 'create', path: 'relative', data: '' }, 'BADARGUMENTS'],
    [{ type: 'create', path: '/a/', data: '' }, 'BADARGUMENTS'],
    [{ type: 'create', path: '/a//b', data: '' }, 'BADARGUMENTS'],
    [{ type: 'create', path: '/', data: '' }, 'BADARGUMENTS'],
    [{ type: 'create', path: '/big', data: 'x'.repeat(MAX_DATA_BYTES + 1) }, 'BADARGUMENTS'],
  ];
  for (const [operation, expected] of cases) assert.equal(code(machine.write(session, operation)), expected, JSON.stringify(operation).slice(0, 80));
  assert.equal(code(machine.write(session, { type: 'create', path: '/max', data: 'x'.repeat(MAX_DATA_BYTES) })), 'OK');
  assert.deepEqual(machine.children('/'), ['a', 'e', 'max']);
});

test('delete checks existence, version and children', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/a', data: '' });
  machine.write(session, { type: 'create', path: '/a/b', data: '' });
  assert.equal(code(machine.write(session, { type: 'delete', path: '/nope', version: -1 })), 'NONODE');
  assert.equal(code(machine.write(session, { type: 'delete', path: '/a', version: -1 })), 'NOTEMPTY');
  assert.equal(code(machine.write(session, { type: 'delete', path: '/a/b', version: 3 })), 'BADVERSION');
  assert.equal(code(machine.write(session, { type: 'delete', path: '/', version: -1 })), 'BADARGUMENTS');
  assert.equal(code(machine.write(session, { type: 'delete', path: '/a/b', version: 0 })), 'OK');
  const parent = machine.stat('/a');
  assert.deepEqual([parent.cversion, parent.numChildren, parent.pzxid], [2, 0, 8]);
  assert.equal(code(machine.write(session, { type: 'delete', path: '/a', version: -1 })), 'OK');
  assert.deepEqual(machine.children('/'), []);
});

test('setData is a compare-and-set on the version', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/r', data: '1' });
  const first = machine.write(session, { type: 'setData', path: '/r', data: '2', version: 0 });
  assert.ok(first.ok);
  assert.deepEqual([(first.value as Stat).version, (first.value as Stat).mzxid, (first.value as Stat).czxid], [1, 3, 2]);
  assert.equal(code(machine.write(session, { type: 'setData', path: '/r', data: '3', version: 0 })), 'BADVERSION');
  assert.equal(machine.data('/r'), '2');
  assert.equal(code(machine.write(session, { type: 'setData', path: '/r', data: '4', version: -1 })), 'OK');
  assert.equal(code(machine.write(session, { type: 'setData', path: '/none', data: '', version: -1 })), 'NONODE');
  assert.deepEqual([machine.data('/r'), machine.stat('/r').version, machine.stat('/r').dataLength], ['4', 2, 1]);
});

test('sequential names come from the parent cversion, deletes included', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/q', data: '' });
  const names: string[] = [];
  for (let i = 0; i < 3; i++) {
    const result = machine.write(session, { type: 'create', path: '/q/item-', data: '', sequential: true });
    assert.ok(result.ok);
    names.push((result.value as { path: string }).path);
  }
  assert.deepEqual(names, ['/q/item-0000000000', '/q/item-0000000001', '/q/item-0000000002']);
  machine.write(session, { type: 'delete', path: '/q/item-0000000002', version: -1 });
  const next = machine.write(session, { type: 'create', path: '/q/x', data: '', sequential: true, ephemeral: true });
  assert.equal(next.ok && (next.value as { path: string }).path, '/q/x0000000004');
  assert.equal(code(machine.write(session, { type: 'create', path: '/other/x', data: '', sequential: true })), 'NONODE');
});

test('multi applies every step under one zxid, or none', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/a', data: 'a' });
  const before = treeOf(machine);
  const failed = machine.write(session, {
    type: 'multi',
    operations: [
      { type: 'create', path: '/b', data: '' },
      { type: 'setData', path: '/a', data: 'changed', version: 0 },
      { type: 'delete', path: '/a', version: 7 },
      { type: 'create', path: '/c', data: '' },
    ],
  });
  assert.equal(code(failed), 'BADVERSION');
  assert.ok(!failed.ok);
  assert.deepEqual(failed.results?.map((step) => (step.type === 'error' ? step.code : step.type)), ['OK', 'OK', 'BADVERSION', 'RUNTIMEINCONSISTENCY']);
  assert.equal(treeOf(machine), before, 'a failed multi left traces');
  const done = machine.write(session, {
    type: 'multi',
    operations: [
      { type: 'check', path: '/a', version: 0 },
      { type: 'create', path: '/s-', data: '', sequential: true },
      { type: 'create', path: '/s-', data: '', sequential: true },
      { type: 'setData', path: '/a', data: 'new', version: 0 },
      { type: 'create', path: '/tmp', data: '' },
      { type: 'delete', path: '/tmp', version: 0 },
    ],
  });
  assert.ok(done.ok, JSON.stringify(done));
  assert.deepEqual(machine.children('/'), ['a', 's-0000000001', 's-0000000002']);
  const zxids = [machine.stat('/a').mzxid, machine.stat('/s-0000000001').czxid, machine.stat('/s-0000000002').czxid, machine.stat('/').pzxid];
  assert.deepEqual(new Set(zxids).size, 1, 'one zxid for the whole batch');
  assert.equal(code(machine.write(session, { type: 'multi', operations: [{ type: 'multi', operations: [] } as never] })), 'BADARGUMENTS');
  assert.equal(code(machine.write(session, { type: 'multi', operations: [] })), 'OK');
});

test('a failed multi rolls back deletes and ephemerals too', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/e', data: 'x', ephemeral: true });
  const before = treeOf(machine);
  const result = machine.write(session, {
    type: 'multi',
    operations: [
      { type: 'delete', path: '/e', version: -1 },
      { type: 'create', path: '/f', data: '', ephemeral: true },
      { type: 'check', path: '/e', version: -1 },
    ],
  });
  assert.equal(code(result), 'NONODE');
  assert.equal(treeOf(machine), before);
  assert.deepEqual(machine.state.ephemeralsOf(session), ['/e']);
});

test('expiring or closing a session deletes its ephemerals and nothing else', () => {
  const machine = new Machine();
  const first = machine.openSession('c1');
  const second = machine.openSession('c2');
  machine.write(first, { type: 'create', path: '/p', data: '' });
  machine.write(first, { type: 'create', path: '/p/e1', data: '', ephemeral: true });
  machine.write(first, { type: 'create', path: '/e2', data: '', ephemeral: true });
  machine.write(second, { type: 'create', path: '/p/other', data: '', ephemeral: true });
  const expired = machine.apply({ kind: 'expire-session', sessionId: first });
  assert.deepEqual(expired.endedSessions, [first]);
  assert.deepEqual(
    expired.triggers.map((trigger) => `${trigger.type} ${trigger.path}`),
    ['deleted /e2', 'children-changed /', 'deleted /p/e1', 'children-changed /p'],
  );
  assert.deepEqual([machine.children('/'), machine.children('/p')], [['p'], ['other']]);
  assert.equal(machine.state.session(first), null);
  assert.equal(code(machine.write(first, { type: 'create', path: '/late', data: '' })), 'SESSIONEXPIRED');
  assert.equal(machine.apply({ kind: 'expire-session', sessionId: first }).endedSessions.length, 0);
  const closed = machine.apply({ kind: 'close-session', sessionId: second, requestId: 1000 });
  assert.deepEqual([closed.result, closed.endedSessions], [{ ok: true, value: null }, [second]]);
  assert.deepEqual([machine.children('/p'), machine.state.liveSessions()], [[], []]);
});

test('no ephemeral outlives its session on a correct replica, even for ends applied late; with the ephemeral bug one does at once', () => {
  for (const bugs of [[], [BUG_EPHEMERAL_OUTLIVES_SESSION]]) {
    const machine = new Machine(bugs);
    const [expired, closed, kept] = [machine.openSession('c1'), machine.openSession('c2'), machine.openSession('c3')];
    for (const [index, session] of [expired, closed, kept].entries()) machine.write(session, { type: 'create', path: `/e${index}`, data: '', ephemeral: true });
    const correctBefore = machine.state.takeSnapshot();
    assert.equal(machine.state.orphanedEphemeral(), null);
    // Both ends are entries of epoch 1 that reach this replica in epoch 2, as when it catches up after a leader change.
    machine.apply({ kind: 'expire-session', sessionId: expired }, 2);
    machine.apply({ kind: 'close-session', sessionId: closed, requestId: 100 }, 2);
    const found = machine.state.orphanedEphemeral();
    if (bugs.length === 0) {
      assert.equal(found, null);
      assert.deepEqual(machine.state.ephemerals(), [{ path: '/e2', owner: kept }]);
      continue;
    }
    assert.deepEqual(found, { path: '/e0', owner: expired, position: machine.state.appliedPosition });
    assert.equal(machine.state.orphanedEphemeral(), found, 'asked again with no change, the answer is the kept one');
    machine.state.installSnapshot(correctBefore);
    assert.equal(machine.state.orphanedEphemeral(), null, 'an installed snapshot replaces the state and the answer');
  }
});

test('sessions: ids are positions, a replayed create-session yields the same session', () => {
  const machine = new Machine();
  const command: ServiceCommand = { kind: 'create-session', owner: 'c9', connectionId: 4, timeoutMs: 500 };
  const first = machine.apply(command);
  const again = machine.apply(command);
  assert.deepEqual(first.result, { ok: true, value: { sessionId: 1, owner: 'c9', timeoutMs: 500 } });
  assert.deepEqual([again.result, again.duplicate, again.requestKey], [first.result, true, first.requestKey]);
  assert.equal(machine.state.liveSessions().length, 1);
  assert.equal(machine.apply({ kind: 'create-session', owner: 'c9', connectionId: 5, timeoutMs: 0 }).result?.ok, false);
});

test('a replayed write applies once and answers with the first result', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/q', data: '' });
  const command: ServiceCommand = { kind: 'write', sessionId: session, requestId: 50, operation: { type: 'create', path: '/q/n-', data: '', sequential: true } };
  const first = machine.apply(command);
  const replay = machine.apply(command);
  assert.equal(first.duplicate, false);
  assert.deepEqual([replay.duplicate, replay.result, replay.triggers], [true, first.result, []]);
  assert.deepEqual(machine.children('/q'), ['n-0000000000']);
  // A request overtaken by a later one of its session is never applied, and nobody may claim an outcome.
  const overtaken = machine.apply({ ...command, requestId: 49 });
  assert.deepEqual([overtaken.duplicate, overtaken.result], [true, null]);
  assert.deepEqual(machine.children('/q'), ['n-0000000000']);
});

test('remembered results are bounded; forgotten replays stay unknown', () => {
  const machine = new Machine();
  const session = machine.openSession();
  for (let requestId = 1; requestId <= DEDUP_RESULTS_PER_SESSION + 5; requestId++) {
    machine.apply({ kind: 'write', sessionId: session, requestId, operation: { type: 'create', path: `/n${requestId}`, data: '' } });
  }
  const old = machine.apply({ kind: 'write', sessionId: session, requestId: 1, operation: { type: 'create', path: '/n1', data: '' } });
  const recent = machine.apply({ kind: 'write', sessionId: session, requestId: 60, operation: { type: 'create', path: '/n60', data: '' } });
  assert.deepEqual([old.duplicate, old.result], [true, null]);
  assert.equal(recent.result?.ok, true);
  assert.equal(machine.state.takeSnapshot().state !== null, true);
});

test('snapshot round trip: same digest, same future, no aliasing', () => {
  const machine = new Machine();
  const session = machine.openSession();
  machine.write(session, { type: 'create', path: '/a', data: 'x' });
  machine.write(session, { type: 'create', path: '/a/e-', data: 'y', ephemeral: true, sequential: true });
  const snapshot = machine.state.takeSnapshot();
  const frozen = JSON.stringify(snapshot);
  const copy = new ServiceStateMachine();
  copy.installSnapshot(JSON.parse(frozen));
  assert.equal(copy.digest(), machine.state.digest());
  assert.equal(copy.appliedPosition, snapshot.position);
  const more: ServiceCommand[] = [
    { kind: 'write', sessionId: session, requestId: 3, operation: { type: 'create', path: '/a/e-', data: '', sequential: true } },
    { kind: 'write', sessionId: session, requestId: 2, operation: { type: 'delete', path: '/a', version: -1 } },
    { kind: 'expire-session', sessionId: session },
  ];
  for (const [index, command] of more.entries()) {
    const entry = { position: snapshot.position + index + 1, epoch: 2, command };
    assert.deepEqual(copy.apply(entry), machine.state.apply(entry));
  }
  assert.equal(copy.digest(), machine.state.digest());
  assert.equal(JSON.stringify(snapshot), frozen, 'the snapshot changed after it was taken');
  // Request 2 came after request 3 and was refused; the expiry took the older ephemeral.
  assert.deepEqual(machine.children('/a'), ['e-0000000001']);
});

test('the same commands give the same state on two replicas', () => {
  const [left, right] = [new Machine(), new Machine()];
  for (const machine of [left, right]) {
    const session = machine.openSession();
    machine.write(session, { type: 'create', path: '/x', data: '1' });
    machine.write(session, { type: 'setData', path: '/x', data: '2', version: 0 });
    machine.write(session, { type: 'create', path: '/x/y', data: '', ephemeral: true });
  }
  assert.equal(left.state.digest(), right.state.digest());
  assert.notEqual(left.state.digest(), new ServiceStateMachine().digest());
});

test('entries must arrive in order, and unknown kinds only advance the position', () => {
  const machine = new Machine();
  const outcome = machine.apply({ kind: 'noop' } as unknown as ServiceCommand);
  assert.deepEqual([outcome.result, machine.state.appliedPosition], [null, 1]);
  assert.throws(() => machine.state.apply({ position: 1, epoch: 1, command: { kind: 'noop' } }));
});

test('the digest is taken once per state: asking again is free until an entry or a snapshot changes the state', () => {
  const machine = new Machine();
  const session = machine.openSession();
  let snapshots = 0;
  const takeSnapshot = machine.state.takeSnapshot.bind(machine.state);
  machine.state.takeSnapshot = () => {
    snapshots += 1;
    return takeSnapshot();
  };
  const first = machine.state.digest();
  assert.equal(machine.state.digest(), first);
  assert.equal(snapshots, 1, 'a second digest of the same state took a snapshot again');
  machine.write(session, { type: 'create', path: '/a', data: 'x' });
  const second = machine.state.digest();
  assert.notEqual(second, first, 'an applied entry must change the digest');
  const other = new Machine();
  other.state.installSnapshot(takeSnapshot());
  other.state.digest();
  other.state.installSnapshot(new Machine().state.takeSnapshot());
  assert.equal(other.state.digest(), new Machine().state.digest(), 'an installed snapshot must change the digest');
});
