/** Performance: latency, throughput and availability, overall and per fault window. */
export { checkPerf, perfChecker, summarizeFaultWindows, type FaultWindowSummaries, type FaultSummary, type PerfOptions, type PerfResult, type WindowSummary } from './check.js';
export { LatencySample, DEFAULT_MAX_SAMPLES, type LatencySummary } from './latency.js';
export { throughput, MAX_BUCKETS, type Throughput } from './throughput.js';
export { faultWindows, type FaultWindow } from './windows.js';
