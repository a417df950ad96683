/** The coordinator (both engines) runs the System seam's conformance suite on every runtime it supports; on ssh, on local test hosts. */
import { sshSuiteOptions } from '../testing/ssh-suite.js';
import { defineSystemSuite } from '../testing/system-suite.js';
import { coordinatorSystem } from './system.js';

// The suites of this file run one after another: both engines share one set of hosts.
const ssh = sshSuiteOptions(4);

for (const engine of ['raft', 'zab'] as const) {
  for (const runtime of coordinatorSystem(engine).runtimes) defineSystemSuite(`coordinator-${engine}`, runtime, runtime === 'ssh' ? ssh : {});
}
