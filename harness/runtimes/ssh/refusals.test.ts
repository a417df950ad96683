/**
 * What the ssh runtime refuses, over real sshd on local test hosts, each a
 * clear error before anything runs (no fault in the history, nothing left
 * on the hosts): an unknown host key, a changed one (even with new keys
 * accepted), a wrong client key, an unreachable host, a sudo that asks for a
 * password. Accepting new keys is explicit and records them; the SSH agent
 * stands in for a key file. And
 * `faultline clean --runtime ssh` after a SIGKILLed run leaves nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../../common/testing/temporary-directory.js';
import { runTest } from '../../run/execute.js';
import { FILES } from '../../run/run-store.js';
import { runtimeNamed, type SshTarget } from '../index.js';
import { cleanSsh, leftoversOfRun } from './clean.js';
import { connectHosts } from './host.js';
import { downTestHosts, sshRunConfig, upTestHosts } from './test-hosts.js';

const SET = 3;
const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const target = upTestHosts(3, SET);
const out = temporaryDirectory('faultline-ssh-refusals-');
after(() => downTestHosts(SET));

function newKey(name: string): string {
  const file = join(out, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  return file;
}

/** A run on these hosts must fail at boot with this message, with no fault run and nothing left. */
async function refused(changes: Partial<SshTarget>, seed: number, message: RegExp): Promise<void> {
  const outcome = await runTest(sshRunConfig({ ...target, ...changes }, { out, nemesis: 'partition,kill' }, seed), new Date(), () => true);
  assert.match(outcome.report.infrastructureError ?? 'no error', message);
  assert.notEqual(outcome.results.valid, true);
  const history = readFileSync(join(outcome.directory, FILES.history), 'utf8');
  assert.doesNotMatch(history, /"process":"nemesis"/, 'no fault ran');
  assert.deepEqual(await leftoversOfRun(target, `${seed}-${process.pid}`), []);
}

test('ssh: an unknown host key is refused, naming the host and its fingerprint', async () => {
  const empty = join(out, 'empty_known_hosts');
  writeFileSync(empty, '');
  await refused({ knownHostsFile: empty }, 41, /host key of root@10\.203\.3\.1\d is unknown \(ssh-ed25519 SHA256:\S+ is not in .*empty_known_hosts\)/);
});

test('ssh: a changed host key is refused, even when new keys are accepted', async () => {
  const changed = join(out, 'changed_known_hosts');
  const otherKey = readFileSync(`${newKey('other_host_key')}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(changed, readFileSync(target.knownHostsFile, 'utf8').replace(/^10\.203\.3\.12 .*$/m, `10.203.3.12 ${otherKey}`));
  await refused({ knownHostsFile: changed, acceptNewHostKeys: true }, 42, /host key of root@10\.203\.3\.12 has CHANGED/);
});

test('ssh: a key the hosts do not know is refused', async () => {
  await refused({ keyFile: newKey('wrong_key') }, 43, /root@10\.203\.3\.1\d refused the SSH key: the key or the user is wrong/);
});

test('ssh: an unreachable host is refused, and the hosts that answered are left as they were', async () => {
  // An address on the hosts' network where no machine answers, and a machine without sshd on the port named.
  await refused({ hosts: [...target.hosts.slice(0, 2), 'root@10.203.3.99'] }, 44, /cannot reach root@10\.203\.3\.99 over SSH: EHOSTUNREACH/);
  await refused({ hosts: [...target.hosts.slice(0, 2), 'root@10.203.3.11:2222'] }, 46, /cannot reach root@\[10\.203\.3\.11\]:2222 over SSH: ECONNREFUSED/);
});

test('ssh: a user whose sudo asks for a password is refused', async () => {
  const hosts = target.hosts.map((host) => host.replace('root@', 'faultline-nosudo@'));
  await refused({ hosts }, 45, /faultline-nosudo@10\.203\.3\.1\d: the user is not root and sudo asks for a password/);
});

test('ssh: new host keys are trusted only when asked, and recorded in known_hosts', async () => {
  const fresh = join(out, 'fresh_known_hosts');
  const cluster = await runtimeNamed('ssh').boot({ runId: `accept-${process.pid}`, nodes: ['n1', 'n2', 'n3'], seed: 1, runSeconds: 10, ssh: { ...target, knownHostsFile: fresh, acceptNewHostKeys: true } });
  await cluster.teardown();
  const recorded = readFileSync(fresh, 'utf8').trim().split('\n').sort();
  assert.deepEqual(recorded, readFileSync(target.knownHostsFile, 'utf8').trim().split('\n').sort());
});

test('ssh: without --ssh-key the SSH agent\'s keys are used', async () => {
  const socket = join(out, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const previous = process.env.SSH_AUTH_SOCK;
  try {
    for (let attempt = 0; attempt < 50 && !existsSync(socket); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    execFileSync('ssh-add', ['-q', target.keyFile as string], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
    process.env.SSH_AUTH_SOCK = socket;
    const hosts = await connectHosts({ ...target, keyFile: undefined }, process.execPath);
    assert.equal(hosts.length, 3);
    for (const host of hosts) host.connection.close();
  } finally {
    if (previous === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = previous;
    agent.kill();
  }
});

test('ssh: faultline clean after a SIGKILLed run removes exactly its processes, directories and chain', async () => {
  const runId = `killed-${process.pid}`;
  const child = spawn(process.execPath, [fileURLToPath(new URL('./boot-child.js', import.meta.url)), runId, JSON.stringify(target)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  assert.equal(line, 'ready');
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const left = await leftoversOfRun(target, runId);
  // The test hosts share one machine's processes: each host sees all three.
  const pids = new Set(left.filter((item) => item.includes('process')).map((item) => item.split(' ').at(-1)));
  assert.equal(pids.size, 3, left.join('\n'));
  // Until cleaned, the hosts are refused to the next run: their chain is not its own.
  await assert.rejects(
    runtimeNamed('ssh').boot({ runId: `next-${process.pid}`, nodes: ['n1', 'n2', 'n3'], seed: 1, runSeconds: 10, ssh: target }),
    /already hold faultline's iptables chain: another run uses the host, or a killed run left it behind/,
  );
  const flags = ['--runtime', 'ssh', '--ssh-hosts', target.hosts.join(','), '--ssh-key', target.keyFile as string, '--ssh-known-hosts', target.knownHostsFile];
  const removed = execFileSync(process.execPath, [CLI, 'clean', ...flags], { encoding: 'utf8' });
  assert.match(removed, /^removed:\n/);
  assert.equal(removed.split('\n').filter((item) => item.includes('iptables chain')).length, 3, removed);
  assert.ok(removed.includes(`directory /tmp/faultline-ssh/${runId}`), removed);
  assert.match(removed, new RegExp(`temporary directory \\S+/faultline-ssh-logs-\\S+ \\(its faultline, pid ${child.pid}, is gone\\)`), 'and the killed run\'s side on this machine');
  assert.deepEqual(await leftoversOfRun(target, runId), []);
  assert.deepEqual(await cleanSsh(target, true), [], 'a second clean finds nothing');
});
