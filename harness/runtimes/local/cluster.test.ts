/** The local runtime (network namespaces, real iptables and signals) against the shared behaviour suite. */
import { defineRuntimeSuite } from '../real/runtime-suite.js';

defineRuntimeSuite('local');
