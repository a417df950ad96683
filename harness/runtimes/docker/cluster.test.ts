/** The docker runtime (real containers, iptables, cgroup freezer) against the shared behaviour suite. */
import { defineRuntimeSuite } from '../real/runtime-suite.js';

defineRuntimeSuite('docker');
