/** The coordinator (both engines) runs the System seam's conformance suite on every runtime it supports; on ssh, on local test hosts. */
import { after } from 'node:test';
import { leftoversOfRun } from '../../harness/runtimes/ssh/clean.js';
import { downTestHosts, upTestHosts } from '../../harness/runtimes/ssh/test-hosts.js';
import { defineSystemSuite } from '../testing/system-suite.js';
import { coordinatorSystem } from './system.js';

/** The ssh runtime's test hosts of this file: a set of their own, so files that run at once do not share hosts. */
const SSH_SET = 4;
let ssh: ReturnType<typeof upTestHosts> | undefined;
const sshTarget = (): ReturnType<typeof upTestHosts> => (ssh ??= upTestHosts(3, SSH_SET));
after(() => {
  if (ssh !== undefined) downTestHosts(SSH_SET);
});

for (const engine of ['raft', 'zab'] as const) {
  for (const runtime of coordinatorSystem(engine).runtimes) {
    if (runtime !== 'ssh') defineSystemSuite(`coordinator-${engine}`, runtime);
    else defineSystemSuite(`coordinator-${engine}`, runtime, { boot: { ssh: sshTarget() }, leftovers: (runId) => leftoversOfRun(sshTarget(), runId) });
  }
}
