/**
 * A synthetic but realistic run directory of any size, for the report's
 * benchmark and big-history tests: workers doing register ops on a few keys
 * through three nodes, partitions, kills and pauses every few seconds during
 * which ops fail or time out (the timed-out worker continues under a fresh
 * process number, as in Jepsen), roles sampled every 100 ms with a new
 * leader and term after each kill, and results.json from the real perf and
 * split-brain checkers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoleSample } from '../checkers/checker.js';
import { runNamedChecker } from '../checkers/registry.js';
import { formatEvent, pairEvents, type HistoryEvent } from '../common/history/index.js';

export interface SyntheticRunOptions {
  operations: number;
  workers?: number;
  /** Ops per second, all workers together. */
  rate?: number;
  seed?: number;
}

/** mulberry32: a small seeded generator, so the benchmark's history is the same every time. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

interface Fault {
  kind: 'partition' | 'kill' | 'pause';
  from: number;
  to: number;
  value: unknown;
}

const NODES = ['n1', 'n2', 'n3'];
const SECOND = 1e9;

function faultSchedule(endNs: number): Fault[] {
  const faults: Fault[] = [];
  const kinds = ['partition', 'kill', 'pause'] as const;
  for (let from = 5 * SECOND, number = 0; from < endNs - 8 * SECOND; from += 12 * SECOND, number++) {
    const kind = kinds[number % 3]!;
    const node = NODES[number % 3]!;
    const value = kind === 'partition' ? { target: 'isolate-one', groups: [[node], NODES.filter((other) => other !== node)] } : { target: 'one', nodes: [node] };
    faults.push({ kind, from, to: from + 4 * SECOND, value });
  }
  return faults;
}

function clientEvents(options: Required<SyntheticRunOptions>, faults: readonly Fault[], random: () => number): Array<Omit<HistoryEvent, 'index'>> {
  const events: Array<Omit<HistoryEvent, 'index'>> = [];
  const perWorker = Math.ceil(options.operations / options.workers);
  const gapNs = (options.workers / options.rate) * SECOND;
  for (let worker = 0; worker < options.workers; worker++) {
    let [process, time] = [worker, Math.floor(random() * gapNs)];
    for (let op = 0; op < perWorker && worker * perWorker + op < options.operations; op++) {
      const key = String(Math.floor(random() * 5));
      const f = (['read', 'write', 'cas'] as const)[Math.floor(random() * 3)]!;
      const value = f === 'read' ? null : f === 'write' ? Math.floor(random() * 100) : [Math.floor(random() * 100), Math.floor(random() * 100)];
      const inFault = faults.some((fault) => time >= fault.from && time < fault.to);
      const roll = random();
      const type = inFault ? (roll < 0.3 ? 'fail' : roll < 0.36 ? 'info' : 'ok') : roll < 0.01 ? 'fail' : roll < 0.012 ? 'info' : 'ok';
      // Log-normal latency around 3 ms; info ops end at the client's 2 s timeout.
      const latencyNs = type === 'info' ? 2 * SECOND : Math.floor(Math.exp(Math.log(3e6) + 0.8 * (random() + random() + random() - 1.5) * 2) * (inFault ? 4 : 1));
      events.push({ time, process, type: 'invoke', f, key, value });
      const completion: Omit<HistoryEvent, 'index'> = { time: time + latencyNs, process, type, f, key, value: f === 'read' && type === 'ok' ? Math.floor(random() * 100) : value, node: NODES[Math.floor(random() * 3)]! };
      if (type !== 'ok') completion.error = type === 'info' ? 'timeout' : 'unavailable';
      events.push(completion);
      if (type === 'info') process += options.workers;
      time += latencyNs + Math.floor(gapNs * (0.5 + random()));
    }
  }
  return events;
}

function roleSamples(endNs: number, faults: readonly Fault[]): RoleSample[] {
  const samples: RoleSample[] = [];
  let [leader, term] = [0, 1];
  const kills = faults.filter((fault) => fault.kind === 'kill');
  for (let time = 0; time <= endNs; time += SECOND / 10) {
    while (kills.length > 0 && kills[0]!.from + SECOND / 2 <= time) {
      kills.shift();
      [leader, term] = [(leader + 1) % 3, term + 1];
    }
    for (const [position, node] of NODES.entries()) {
      samples.push({ time, node, role: time < SECOND / 2 ? 'follower' : position === leader ? 'leader' : 'follower', epoch: time < SECOND / 2 ? 0 : term });
    }
  }
  return samples;
}

/** Writes config.json, history.jsonl, roles.jsonl and results.json into directory. */
export function writeSyntheticRun(directory: string, options: SyntheticRunOptions): void {
  const full: Required<SyntheticRunOptions> = { workers: 20, rate: 400, seed: 1, ...options };
  const random = seededRandom(full.seed);
  const endNs = (full.operations / full.rate) * SECOND;
  // Workers slow down under faults, so the history runs past the nominal end: faults cover it too.
  const faults = faultSchedule(endNs * 1.5);
  const timed: Array<Omit<HistoryEvent, 'index'>> = [...clientEvents(full, faults, random)];
  for (const fault of faults) {
    timed.push({ time: fault.from, process: 'nemesis', type: 'info', f: `start-${fault.kind}`, value: fault.value });
    timed.push({ time: fault.to, process: 'nemesis', type: 'info', f: `stop-${fault.kind}`, value: fault.value });
  }
  timed.sort((left, right) => left.time! - right.time!);
  const events = timed.map((event, index) => ({ index, ...event }) as HistoryEvent);
  const roles = roleSamples(endNs, faults);
  mkdirSync(directory, { recursive: true });
  const config = { version: 'bench', system: 'coordinator-raft', runtime: 'sim', workload: 'register', nemesis: 'partition,kill,pause', nodes: 3, concurrency: full.workers, rate: full.rate, timeLimitSeconds: Math.round(endNs / SECOND), warmupSeconds: 2, recoverySeconds: 5, keys: 5, seed: full.seed, bugs: [], readMode: 'linearizable', maxActiveFaults: 1, out: directory };
  writeFileSync(join(directory, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(directory, 'history.jsonl'), `${events.map(formatEvent).join('\n')}\n`);
  writeFileSync(join(directory, 'roles.jsonl'), `${roles.map((sample) => JSON.stringify(sample)).join('\n')}\n`);
  const input = { operations: pairEvents(events).operations, events, roles };
  const checkers = { perf: runNamedChecker('perf', input), 'split-brain': runNamedChecker('split-brain', input) };
  const valid = Object.values(checkers).some((result) => result.valid === false) ? false : true;
  writeFileSync(join(directory, 'results.json'), `${JSON.stringify({ valid, checkers, ops: input.operations.length }, null, 2)}\n`);
}
