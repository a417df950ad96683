import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classPath, myId, nodeProcessSpec, zooConfig, DEFAULT_TIMING } from './config.js';
import { parseEnvi, parseSrvr } from './four-letter-words.js';
import { unsuccessful } from './outcomes.js';
import { NodeSkew } from '../real-support/skew.js';

const nodes = [
  { name: 'n1', address: '10.0.0.2', dataDirectory: '/data/n1' },
  { name: 'n2', address: '10.0.0.3', dataDirectory: '/data/n2' },
  { name: 'n3', address: '10.0.0.4', dataDirectory: '/data/n3' },
];

test('srvr: mode and the epoch in the zxid high bits; a node without quorum is looking', () => {
  const status = parseSrvr('Zookeeper version: 3.8.0-abc, built on 2023-01-01\nLatency min/avg/max: 0/0.0/0\nZxid: 0x300000007\nMode: leader\nNode count: 5\n');
  assert.deepEqual(status, { mode: 'leader', epoch: 3, counter: 7, zxid: 0x300000007n, version: '3.8.0-abc, built on 2023-01-01' });
  assert.equal(parseSrvr('This ZooKeeper instance is not currently serving requests\n').mode, 'looking');
  assert.throws(() => parseSrvr('garbage'), /without Mode and Zxid/);
});

test('envi: key=value lines', () => {
  const values = parseEnvi('Environment:\njava.version=17.0.15\njava.vendor=Debian\n');
  assert.equal(values.get('java.version'), '17.0.15');
  assert.equal(values.get('java.vendor'), 'Debian');
});

test('zoo.cfg: every member, the node own address and data directory, all four-letter words', () => {
  const config = zooConfig(nodes, nodes[1] as (typeof nodes)[1], DEFAULT_TIMING);
  assert.match(config, /^server\.1=10\.0\.0\.2:2888:3888$/m);
  assert.match(config, /^server\.3=10\.0\.0\.4:2888:3888$/m);
  assert.match(config, /^clientPortAddress=10\.0\.0\.3$/m);
  assert.match(config, /^dataDir=\/data\/n2\/zookeeper\/data$/m);
  assert.match(config, /^4lw\.commands\.whitelist=\*$/m);
  assert.equal(myId(nodes, nodes[2] as (typeof nodes)[2]), 3);
});

test('the java command line: Debian jars with a logger and the servlet API, or a release lib/', () => {
  assert.equal(classPath({}), '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar:/usr/share/java/servlet-api.jar');
  assert.equal(classPath({ installDirectory: '/opt/zk' }), '/opt/zk/lib/*:/opt/zk/conf');
  const spec = nodeProcessSpec('/data/n1/zookeeper/zoo.cfg', { java: '/opt/jdk/bin/java' }, { A: 'b' });
  assert.equal(spec.command, '/opt/jdk/bin/java');
  assert.deepEqual(spec.args.slice(-2), ['org.apache.zookeeper.server.quorum.QuorumPeerMain', '/data/n1/zookeeper/zoo.cfg']);
  assert.ok(spec.args.includes('-Xmx256m'));
  assert.deepEqual(spec.env, { A: 'b' });
});

test('outcomes: never sent fails, no answer or a lost connection is unknown, a server error fails with its name', () => {
  assert.deepEqual(unsuccessful({ type: 'not-sent' }), { type: 'fail', error: 'not-connected' });
  assert.deepEqual(unsuccessful({ type: 'timeout' }), { type: 'info', error: 'timeout' });
  assert.deepEqual(unsuccessful({ type: 'error', code: 'CONNECTION_LOSS' }), { type: 'info', error: 'connection-lost' });
  assert.deepEqual(unsuccessful({ type: 'error', code: 'SESSION_EXPIRED' }), { type: 'info', error: 'session-expired' });
  assert.deepEqual(unsuccessful({ type: 'error', code: 'NODE_EXISTS' }), { type: 'fail', error: 'NODE_EXISTS' });
});

test('a node skew: bumps add up, a rate drifts from when it is set, a strobe swings both ways, and it says when it moves', () => {
  const skew = new NodeSkew();
  skew.apply({ bumpMs: 1_000 }, 0);
  skew.apply({ bumpMs: 500 }, 10);
  assert.equal(skew.offsetAt(20), 1_500);
  assert.equal(skew.moving, false);
  assert.equal(skew.refreshMs, Infinity);
  skew.apply({ rate: 1.5 }, 1_000);
  assert.equal(skew.offsetAt(3_000), 1_500 + 1_000);
  skew.apply({ rate: 1 }, 3_000);
  assert.equal(skew.offsetAt(9_000), 2_500, 'the drift so far stays when the rate returns to 1');
  skew.apply({ strobe: { amplitudeMs: 200, periodMs: 40 } }, 9_000);
  assert.equal(skew.offsetAt(9_010), 2_300);
  assert.equal(skew.offsetAt(9_050), 2_700);
  assert.equal(skew.moving, true);
  assert.equal(skew.refreshMs, 20);
});
