/**
 * Each engine bug mode breaks an invariant the conformance suite holds the
 * correct engines to, for some seed, on both engines.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineKind } from '../engine.js';
import { BUG_MODES } from '../bugs.js';
import { leaseScenario } from './testing/helpers.js';
import { ENGINE_BUG_NAMES } from './shared/options.js';
import { randomRun, type FaultKind } from './testing/random-run.js';

const SEED_LIMIT = 100;

/** The first seed (and what broke) for which the bug shows; null if none within the limit. */
function firstBreak(kind: EngineKind, bug: string, faults: FaultKind[]): string | null {
  for (let seed = 1; seed <= SEED_LIMIT; seed++) {
    const result = randomRun({ kind, seed, bugs: [bug], faults });
    if (result.violation !== null) return `seed ${seed}: ${result.violation.message}`;
  }
  return null;
}

describe('bug modes', () => {
  test('bugs.ts lists every engine bug and the two service bugs', () => {
    const names = BUG_MODES.map((mode) => mode.name);
    for (const name of ENGINE_BUG_NAMES) assert.ok(names.includes(name), name);
    assert.ok(names.includes('follower-local-read') && names.includes('unreplicated-sequence'));
    assert.equal(new Set(names).size, names.length);
  });

  for (const kind of ['raft', 'zab'] as const) {
    test(`${kind}: vote-ignores-log loses a committed entry`, () => {
      const broken = firstBreak(kind, 'vote-ignores-log', ['crash', 'isolate-leader']);
      assert.match(broken ?? 'no seed broke', /committed entry|applied a different history|log.matching/);
    });

    test(`${kind}: ack-before-quorum loses an acknowledged entry when the leader is cut off or crashes`, () => {
      const broken = firstBreak(kind, 'ack-before-quorum', ['crash', 'isolate-leader']);
      assert.match(broken ?? 'no seed broke', /committed entry|applied a different history/);
    });

    test(`${kind}: minority-commit commits on the minority side of a partition`, () => {
      const broken = firstBreak(kind, 'minority-commit', ['partition', 'isolate-leader']);
      assert.match(broken ?? 'no seed broke', /committed entry|applied a different history/);
    });

    test(`${kind}: stale-lease-read keeps a lease after another leader is elected`, () => {
      let broken: string | null = null;
      for (let seed = 1; seed <= SEED_LIMIT && broken === null; seed++) {
        // 0.7 is beyond the drift bound, but only just: a correct lease survives it in these runs.
        broken = leaseScenario(kind, seed, ['stale-lease-read'], 0.7);
      }
      assert.match(broken ?? 'no seed broke', /holds a lease|leases valid at once/);
    });
  }
});
