/**
 * Small random histories with arbitrary outputs, valid or not, for
 * differential tests against the brute-force checker.
 */
import type { HistoryEvent } from '../../../common/history/types.js';
import { SeededRandom } from '../../../common/random.js';

export type Flavor = 'cas-register' | 'register' | 'kv' | 'mutex' | 'multi-register';

interface Open {
  f: string;
  key?: string;
  input: unknown;
}

export function randomSmallHistory(seed: number, flavor: Flavor, operationCount: number, processCount: number): HistoryEvent[] {
  const random = new SeededRandom(seed);
  const events: HistoryEvent[] = [];
  const open = new Map<number, Open>();
  const processIds = Array.from({ length: processCount }, (_, slot) => slot);
  let nextProcess = processCount;
  let started = 0;
  while (started < operationCount || open.size > 0) {
    const slot = random.integer(0, processCount);
    const process = processIds[slot]!;
    const pending = open.get(process);
    if (pending === undefined) {
      if (started >= operationCount) continue;
      started++;
      const operation = randomInvocation(random, flavor);
      open.set(process, operation);
      events.push({ index: events.length, process, type: 'invoke', f: operation.f, ...key(operation), value: operation.input });
      continue;
    }
    open.delete(process);
    const roll = random.next();
    const type = roll < 0.12 ? 'info' : roll < 0.2 ? 'fail' : 'ok';
    const value = type === 'ok' ? randomOutput(random, flavor, pending) : pending.input;
    events.push({ index: events.length, process, type, f: pending.f, ...key(pending), value });
    if (type === 'info') processIds[slot] = nextProcess++;
  }
  return events;
}

function key(operation: Open): { key?: string } {
  return operation.key === undefined ? {} : { key: operation.key };
}

function randomInvocation(random: SeededRandom, flavor: Flavor): Open {
  const value = random.integer(0, 3);
  switch (flavor) {
    case 'register':
      return random.chance(0.5) ? { f: 'read', input: null } : { f: 'write', input: value };
    case 'cas-register': {
      const roll = random.next();
      if (roll < 0.4) return { f: 'read', input: null };
      if (roll < 0.7) return { f: 'write', input: value };
      return { f: 'cas', input: [random.integer(0, 3), value] };
    }
    case 'kv': {
      const roll = random.next();
      const keyName = random.pick(['a', 'b']);
      if (roll < 0.4) return { f: 'get', key: keyName, input: null };
      return { f: roll < 0.6 ? 'put' : 'append', key: keyName, input: String(value) };
    }
    case 'mutex':
      return { f: random.chance(0.6) ? 'acquire' : 'release', input: null };
    case 'multi-register': {
      const steps = [[random.chance(0.5) ? 'read' : 'write', 'x', value % 2], [random.chance(0.5) ? 'read' : 'write', 'y', value % 2]];
      return { f: 'txn', input: steps };
    }
  }
}

function randomOutput(random: SeededRandom, flavor: Flavor, pending: Open): unknown {
  const value = random.integer(0, 3);
  if (flavor === 'register' || flavor === 'cas-register') {
    if (pending.f !== 'read') return pending.input;
    return random.chance(0.2) ? null : value;
  }
  if (flavor === 'kv') {
    if (pending.f !== 'get') return pending.input;
    return random.pick(['', '0', '1', '2', '01', '12', '21', '10']);
  }
  if (flavor === 'multi-register') {
    const steps = pending.input as [string, string, unknown][];
    return steps.map(([f, keyName, written]) => [f, keyName, f === 'read' ? (random.chance(0.5) ? null : value % 2) : written]);
  }
  return pending.input;
}
