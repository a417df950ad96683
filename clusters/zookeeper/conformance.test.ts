/** ZooKeeper runs the System seam's conformance suite on every runtime it supports (ssh on local test hosts), in both read modes on local. */
import { existsSync } from 'node:fs';
import { sshSuiteOptions } from '../testing/ssh-suite.js';
import { defineSystemSuite } from '../testing/system-suite.js';
import { zookeeperSystem } from './system.js';

if (process.getuid?.() === 0 && existsSync('/usr/share/java/zookeeper.jar')) {
  for (const runtime of zookeeperSystem.runtimes) defineSystemSuite('zookeeper', runtime, runtime === 'ssh' ? sshSuiteOptions(5) : {});
  defineSystemSuite('zookeeper', 'local', { readMode: 'local' });
}
