/** etcd runs the System seam's conformance suite on every runtime it supports (ssh on local test hosts), in both read modes on local. */
import { execFileSync } from 'node:child_process';
import { sshSuiteOptions } from '../testing/ssh-suite.js';
import { defineSystemSuite } from '../testing/system-suite.js';
import { etcdSystem } from './system.js';

function etcdInstalled(): boolean {
  try {
    execFileSync('etcd', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

if (process.getuid?.() === 0 && etcdInstalled()) {
  for (const runtime of etcdSystem.runtimes) defineSystemSuite('etcd', runtime, runtime === 'ssh' ? sshSuiteOptions(6) : {});
  defineSystemSuite('etcd', 'local', { readMode: 'serializable' });
}
