/**
 * The run's seed streams, one name each, forked from the run's one seed the
 * same way on every runtime: the nemesis schedule, the workers, and the
 * clients' own choices (retry jitter on real runtimes). The simulator forks
 * its network and hosts from the same seed under other names, so nothing a
 * runtime draws moves what the pipeline draws.
 */
import { SeededRandom } from '../../common/random.js';

// The simulator's names since its first runs, so a seed keeps the workers' ops it always had.
export const STREAM_NAMES = { nemesis: 'harness:nemesis', workers: 'harness:workers', clients: 'harness:clients' } as const;

export interface RunStreams {
  /** The nemesis schedule's stream (it forks timing and targets from it). */
  nemesis: SeededRandom;
  /** The workers' seed; each worker forks "worker <n>" from it. */
  workersSeed: number;
  /** The clients' seed, for runtimes whose clients draw numbers of their own. */
  clientsSeed: number;
}

export function runStreams(seed: number): RunStreams {
  const root = new SeededRandom(seed);
  return {
    nemesis: root.fork(STREAM_NAMES.nemesis),
    workersSeed: root.fork(STREAM_NAMES.workers).nextUint32(),
    clientsSeed: root.fork(STREAM_NAMES.clients).nextUint32(),
  };
}

/** Node names as every runtime names them, n1..nN. */
export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `n${index + 1}`);
}
