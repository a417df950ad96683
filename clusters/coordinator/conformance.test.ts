/** The coordinator (both engines) runs the System seam's conformance suite on every runtime it supports. */
import { defineSystemSuite } from '../testing/system-suite.js';
import { coordinatorSystem } from './system.js';

for (const engine of ['raft', 'zab'] as const) {
  for (const runtime of coordinatorSystem(engine).runtimes) defineSystemSuite(`coordinator-${engine}`, runtime);
}
