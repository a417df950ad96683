/** ZooKeeper runs the System seam's conformance suite on every runtime it supports, in both read modes on local. */
import { existsSync } from 'node:fs';
import { defineSystemSuite } from '../testing/system-suite.js';
import { zookeeperSystem } from './system.js';

if (process.getuid?.() === 0 && existsSync('/usr/share/java/zookeeper.jar')) {
  for (const runtime of zookeeperSystem.runtimes) defineSystemSuite('zookeeper', runtime);
  defineSystemSuite('zookeeper', 'local', { readMode: 'local' });
}
