import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GRPCDeadlineExceededError, GRPCInvalidArgumentError, GRPCUnavailableError, EtcdError, EtcdLeaseInvalidError } from 'etcd3';
import { summarizeVersions } from '../real-support/index.js';
import { DEFAULT_TIMING, etcdProcessSpec } from './command.js';
import { classify, RUN_ONCE } from './connection.js';
import { parseRaftStatus } from './probes.js';

const nodes = [
  { name: 'n1', address: '10.0.0.2', dataDirectory: '/data/n1' },
  { name: 'n2', address: '10.0.0.3', dataDirectory: '/data/n2' },
];

test('the etcd command line: every member, own URLs and data directory, timing and pre-vote', () => {
  const spec = etcdProcessSpec(nodes, nodes[1] as (typeof nodes)[1], 'token-1', {}, DEFAULT_TIMING);
  assert.equal(spec.command, 'etcd');
  assert.ok(spec.args.includes('--initial-cluster=n1=http://10.0.0.2:2380,n2=http://10.0.0.3:2380'));
  assert.ok(spec.args.includes('--listen-client-urls=http://10.0.0.3:2379'));
  assert.ok(spec.args.includes('--data-dir=/data/n2/etcd'));
  assert.ok(spec.args.includes('--heartbeat-interval=100'));
  assert.ok(spec.args.includes('--election-timeout=1000'));
  assert.ok(spec.args.includes('--pre-vote=true'));
  assert.equal(etcdProcessSpec(nodes, nodes[0] as (typeof nodes)[0], 't', { binary: '/opt/etcd' }, DEFAULT_TIMING).command, '/opt/etcd');
});

test('errors: never sent fails, refused fails, anything that may have been applied is unknown', () => {
  assert.deepEqual(classify(new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.2:2379')), { type: 'fail', error: 'not-connected' });
  assert.deepEqual(classify(new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded')), { type: 'info', error: 'timeout' });
  assert.deepEqual(classify(new EtcdError('etcdserver: request timed out')), { type: 'info', error: 'request-timed-out' });
  assert.deepEqual(classify(new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped')), { type: 'info', error: 'connection-dropped' });
  assert.deepEqual(classify(new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: duplicate key given in txn request')), { type: 'fail', error: 'duplicate-key-given-in-txn-request' });
  assert.deepEqual(classify(new EtcdLeaseInvalidError('etcdserver: requested lease not found')), { type: 'fail', error: 'lease-not-found' });
});

test('the run-once policy runs a failing call once and passes its error on', async () => {
  let runs = 0;
  await assert.rejects(
    RUN_ONCE.execute(() => {
      runs += 1;
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(runs, 1);
});

test('roles and terms from raft.status, and versions summed up', () => {
  const vars = (state: string, lead: string): string => JSON.stringify({ cmdline: [], 'raft.status': { id: '7a', term: 3, vote: '7a', commit: 12, lead, raftState: state, applied: 12 } });
  assert.deepEqual(parseRaftStatus(vars('StateLeader', '7a')), { memberId: '7a', leaderId: '7a', term: 3, commitIndex: 12, role: 'leader' });
  assert.equal(parseRaftStatus(vars('StateFollower', '8b')).role, 'follower');
  assert.equal(parseRaftStatus(vars('StatePreCandidate', '0')).role, 'candidate');
  assert.throws(() => parseRaftStatus('{"memstats":{}}'), /no raft.status/);
  assert.equal(summarizeVersions(new Map([['n1', '3.4.23'], ['n2', '3.4.23']])), '3.4.23');
  assert.equal(summarizeVersions(new Map([['n1', '3.4.23'], ['n2', '3.5.9']])), 'n1: 3.4.23, n2: 3.5.9');
  assert.equal(summarizeVersions(new Map()), 'unknown');
});
