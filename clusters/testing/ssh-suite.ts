/**
 * What a system's conformance suite needs to run on the ssh runtime: local
 * test hosts (sshd in network namespaces, scripts/ssh-test-hosts.sh) of a
 * set of its own, so test files that run at once do not share hosts, stood
 * up when first asked for and taken down when the file's tests end.
 */
import { after } from 'node:test';
import { leftoversOfRun } from '../../harness/runtimes/ssh/clean.js';
import { downTestHosts, upTestHosts } from '../../harness/runtimes/ssh/test-hosts.js';
import type { SuiteOptions } from './system-suite.js';

export function sshSuiteOptions(set: number): SuiteOptions {
  const target = upTestHosts(3, set);
  after(() => downTestHosts(set));
  return { boot: { ssh: target }, leftovers: (runId) => leftoversOfRun(target, runId) };
}
