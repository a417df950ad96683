/** Node crashes: a server that died by itself during the run is a violation. */
export { checkCrashes, crashChecker, describeCrash, crashShape, type CrashResult, type NodeCrash } from './check.js';
