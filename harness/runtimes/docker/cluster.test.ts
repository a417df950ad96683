/** The docker runtime (containers, real iptables and signals) against the Runtime seam's conformance suite, with its real-only extras. */
import { defineRealRuntimeSuite } from '../real/runtime-suite.js';

defineRealRuntimeSuite('docker');
