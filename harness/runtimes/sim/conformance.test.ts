/** The simulator runs the Runtime seam's conformance suite with simulated stand-in nodes. */
import { defineRuntimeSuite } from '../testing/runtime-suite.js';
import { simulatedStandIns } from './stand-in-probe.js';

defineRuntimeSuite('sim', `conformance-sim-${process.pid}`, simulatedStandIns);
