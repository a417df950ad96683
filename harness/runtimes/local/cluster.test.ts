/** The local runtime (network namespaces, real iptables and signals) against the Runtime seam's conformance suite, with its real-only extras. */
import { defineRealRuntimeSuite } from '../real/runtime-suite.js';

defineRealRuntimeSuite('local');
