/**
 * The local SSH test hosts for tests (scripts/ssh-test-hosts.sh): a set of
 * hosts per test file, so files that run at once do not share hosts.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { resolveConfig, type RunConfig } from '../../run/config.js';
import type { SshTarget } from '../index.js';
import { PROJECT_ROOT } from './code.js';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'ssh-test-hosts.sh');

/** Stands up count hosts in the set; the target its last line names. */
export function upTestHosts(count: number, set: number): SshTarget & { directory: string } {
  const output = execFileSync('bash', [SCRIPT, 'up', String(count), String(set)], { encoding: 'utf8', timeout: 30_000 });
  const flags = (output.trim().split('\n').at(-1) ?? '').split(' ');
  const value = (flag: string): string => flags[flags.indexOf(flag) + 1] as string;
  const keyFile = value('--ssh-key');
  return { hosts: value('--ssh-hosts').split(','), keyFile, knownHostsFile: value('--ssh-known-hosts'), acceptNewHostKeys: false, directory: path.dirname(keyFile) };
}

export function downTestHosts(set: number): void {
  execFileSync('bash', [SCRIPT, 'down', String(set)], { encoding: 'utf8', timeout: 30_000 });
}

/** A short run's config on these hosts (1 s warm-up, 6 s of faults, 3 s recovery), as the config checks resolve it. */
export function sshRunConfig(target: SshTarget, overrides: Partial<RunConfig>, seed: number): RunConfig {
  const ssh: Partial<RunConfig> = { sshHosts: target.hosts, sshKnownHosts: target.knownHostsFile, sshAcceptNewHostKeys: target.acceptNewHostKeys, ...(target.keyFile === undefined ? {} : { sshKey: target.keyFile }) };
  const layer: Partial<RunConfig> = { warmupSeconds: 1, recoverySeconds: 3, timeLimitSeconds: 6, rate: 100, ...ssh, ...overrides };
  return resolveConfig('test', seed, { ...layer, runtime: 'ssh' });
}
