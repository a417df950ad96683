/** The ssh runtime's pure parts: host names as the user writes them, known_hosts lookups, and the config's ssh options. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryDirectory } from '../../../common/testing/temporary-directory.js';
import { resolveConfig } from '../../run/config.js';
import { knownHostsName, parseHostAddress } from './host-address.js';
import { keyType, knownKeys, verdictFor } from './known-hosts.js';
import { quote } from './host.js';
import { BoundedText } from './bounded-text.js';

/** A key blob as ssh2 hands it over: a length-prefixed type, then key bytes. */
function blob(type: string, fill: number): Buffer {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, Buffer.alloc(32, fill)]);
}

test('hosts are user@host[:port]; known_hosts names a port other than 22 in brackets', () => {
  assert.deepEqual(parseHostAddress('root@10.0.0.1'), { user: 'root', host: '10.0.0.1', port: 22 });
  assert.deepEqual(parseHostAddress('admin@node-3.example:2222'), { user: 'admin', host: 'node-3.example', port: 2222 });
  assert.deepEqual(parseHostAddress('me@[::1]:22'), { user: 'me', host: '::1', port: 22 });
  assert.match(parseHostAddress('10.0.0.1') as string, /is not user@host\[:port\]/);
  assert.match(parseHostAddress('root@h:70000') as string, /outside 1-65535/);
  assert.equal(knownHostsName({ host: '10.0.0.1', port: 22 }), '10.0.0.1');
  assert.equal(knownHostsName({ host: '10.0.0.1', port: 2222 }), '[10.0.0.1]:2222');
});

test('known_hosts: plain, listed and hashed names; a different key is changed, none is unknown, a revoked one is changed', () => {
  const directory = temporaryDirectory('faultline-known-hosts-');
  const file = join(directory, 'known_hosts');
  const [first, second, third] = [blob('ssh-ed25519', 1), blob('ssh-ed25519', 2), blob('ssh-ed25519', 3)];
  const salt = Buffer.alloc(20, 7);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[10.0.0.3]:2222').digest('base64')}`;
  writeFileSync(
    file,
    [
      '# a comment',
      `10.0.0.1 ssh-ed25519 ${first.toString('base64')}`,
      `other,10.0.0.2 ssh-ed25519 ${second.toString('base64')}`,
      `${hashed} ssh-ed25519 ${third.toString('base64')}`,
      `@revoked 10.0.0.4 ssh-ed25519 ${first.toString('base64')}`,
      `@cert-authority 10.0.0.5 ssh-ed25519 ${first.toString('base64')}`,
    ].join('\n'),
  );
  assert.equal(verdictFor(knownKeys(file, '10.0.0.1'), first), 'known');
  assert.equal(verdictFor(knownKeys(file, '10.0.0.1'), second), 'changed');
  assert.equal(verdictFor(knownKeys(file, '10.0.0.2'), second), 'known');
  assert.equal(verdictFor(knownKeys(file, '[10.0.0.3]:2222'), third), 'known');
  assert.equal(verdictFor(knownKeys(file, '10.0.0.3'), third), 'unknown', 'the hashed name is for port 2222');
  assert.equal(verdictFor(knownKeys(file, '10.0.0.4'), first), 'changed');
  assert.equal(verdictFor(knownKeys(file, '10.0.0.5'), first), 'unknown');
  assert.equal(verdictFor(knownKeys(join(directory, 'missing'), '10.0.0.1'), first), 'unknown');
  assert.equal(keyType(first), 'ssh-ed25519');
});

test('shell words are quoted so nothing in them is expanded', () => {
  assert.equal(quote('/tmp/a-b_c.js'), '/tmp/a-b_c.js');
  assert.equal(quote("it's $HOME"), `'it'\\''s $HOME'`);
  assert.equal(quote(''), "''");
});

test('ssh options: one host per node on the ssh runtime, each user@host[:port], defaults written out', () => {
  const base = { runtime: 'local' as const, nemesis: 'none' };
  const config = resolveConfig('test', 1, base, { sshHosts: 'root@a,root@b,root@c' as unknown as string[] });
  assert.deepEqual(config.sshHosts, ['root@a', 'root@b', 'root@c']);
  assert.throws(() => resolveConfig('test', 1, base, { sshHosts: 'root@a,b' as unknown as string[] }), /--ssh-hosts names "b" is not user@host\[:port\]/);
  assert.throws(() => resolveConfig('test', 1, base, { sshAcceptNewHostKeys: 'yes' as unknown as boolean }), /--ssh-accept-new-host-keys must be true or false/);
  assert.throws(() => resolveConfig('test', 1, { runtime: 'ssh', system: 'coordinator-raft', nemesis: 'none', sshHosts: ['root@a', 'root@b'] }), /--ssh-hosts names 2 host\(s\) for 3 nodes: the ssh runtime runs one node per host/);
});

test('command output is kept up to its bound, the end kept', () => {
  const output = new BoundedText(10);
  for (const chunk of ['abcdef', 'ghijkl', 'mnop']) output.add(Buffer.from(chunk));
  assert.equal(output.text(), 'ghijklmnop');
  const small = new BoundedText(100);
  small.add(Buffer.from('one\n'));
  assert.equal(small.text(), 'one\n');
});
