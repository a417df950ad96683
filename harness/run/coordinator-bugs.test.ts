/**
 * Each of the coordinator's bug modes (clusters/coordinator/bugs.ts), on
 * both engines, is caught by a whole simulated run through the one pipeline,
 * with the workload and nemesis the bug names: some seed's run is judged
 * invalid by the checker that fits the bug (a broken consensus invariant or
 * replicas that never agree again, a non-linearizable read, a sequence id
 * going backwards, a node's crash), and the same seeds are valid without it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUG_MODES, type BugMode } from '../../clusters/coordinator/bugs.js';
import type { TestRunOutcome } from './execute.js';
import { discard, failures, invalidCheckers, simRun, type SimRunSettings } from './testing/sim-runs.js';

const SEED_LIMIT = 40;
const TIME_LIMIT_SECONDS = 5;

const CONSENSUS = ['consensus-invariants', 'convergence'];
const STALE_READ = ['linearizability:cas-register'];

/**
 * The checkers of which at least one must judge a run with the bug on invalid;
 * `beside` names the test file that shows it instead, for a bug that needs
 * faults longer than this file's quick ones (a lease that must run out).
 */
const EXPECTED: Record<string, { checkers: readonly string[]; sentence?: RegExp; beside?: string }> = {
  'vote-ignores-log': { checkers: CONSENSUS },
  'ack-before-quorum': { checkers: CONSENSUS },
  'minority-commit': { checkers: CONSENSUS },
  'stale-lease-read': { checkers: STALE_READ },
  'follower-local-read': { checkers: STALE_READ },
  'unreplicated-sequence': { checkers: ['sequence'] },
  'crash-on-leader-loss': { checkers: ['crash'], sentence: /n\d crashed at [\d.]+ s: AssertionError: .*lost its leadership/ },
  // ZAB loses committed entries; a Raft follower cannot start again on a log with a gap, as etcd cannot.
  'sync-ack-before-durable': { checkers: [...CONSENSUS, 'crash'] },
  // Caught by the state-machine invariant at the step a replica keeps the ephemerals, long before the ephemerals check after recovery.
  'ephemeral-outlives-session': {
    checkers: ['consensus-invariants'],
    sentence: /^invariant ephemeral-owner-live broken on n\d: it holds the ephemeral \/locks\/.* of session \d+, which its state no longer has/,
  },
  'lock-skips-lease-check': { checkers: ['lock', 'linearizability:mutex'], beside: 'lease-bugs.test.ts' },
  // Caught by the state-machine invariant at the step the cluster commits past an entry a follower applied early.
  'follower-applies-uncommitted': { checkers: ['consensus-invariants'], sentence: /^invariant applied-entries-committed broken on n\d: it applied epoch \d+ .* before it was committed, but / },
};

/** The run settings the bug names, as bench:detect uses them. */
function settingsFor(bug: BugMode, system: SimRunSettings['system']): SimRunSettings {
  return {
    system,
    workload: bug.workload,
    nemesis: bug.nemesis,
    timeLimitSeconds: TIME_LIMIT_SECONDS,
    ...(bug.readMode === undefined ? {} : { readMode: bug.readMode }),
    ...(bug.maxActiveFaults === undefined ? {} : { maxActiveFaults: bug.maxActiveFaults }),
    ...(bug.nodes === undefined ? {} : { nodes: bug.nodes }),
    ...(bug.partitionTargets === undefined ? {} : { nemesisOptions: { partition: { targets: [...bug.partitionTargets] } } }),
  };
}

/** The first seeds (at most `wanted`) whose run with the bug on is invalid. */
async function caughtSeeds(settings: SimRunSettings, bug: string, wanted: number): Promise<{ seed: number; outcome: TestRunOutcome }[]> {
  const found: { seed: number; outcome: TestRunOutcome }[] = [];
  for (let seed = 1; seed <= SEED_LIMIT && found.length < wanted; seed++) {
    const outcome = await simRun(seed, { ...settings, bugs: [bug] });
    if (outcome.results.valid === false) found.push({ seed, outcome });
    else discard(outcome);
  }
  return found;
}

test('every bug mode in bugs.ts has an expected verdict here', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), BUG_MODES.map((mode) => mode.name).sort());
});

for (const mode of BUG_MODES.filter((bug) => EXPECTED[bug.name]?.beside === undefined)) {
  for (const system of ['coordinator-zab', 'coordinator-raft'] as const) {
    test(`${system}: ${mode.name} is caught by the checkers, and the same seeds are valid without it`, async (context) => {
      const expected = EXPECTED[mode.name]!;
      const settings = settingsFor(mode, system);
      const found = await caughtSeeds(settings, mode.name, 2);
      assert.ok(found.length > 0, `no seed up to ${SEED_LIMIT} caught ${mode.name}`);
      for (const { seed, outcome } of found) {
        const invalid = invalidCheckers(outcome);
        const why = `seed ${seed}: ${failures(outcome).join('; ')} (${outcome.directory})`;
        assert.ok(invalid.some((name) => expected.checkers.includes(name)), `caught, but not as ${mode.name} should be: ${why}`);
        if (expected.sentence !== undefined) {
          const sentences = expected.checkers.map((name) => outcome.results.checkers[name]?.sentence ?? '');
          assert.ok(sentences.some((sentence) => expected.sentence!.test(sentence)), why);
        }
        context.diagnostic(why.slice(0, 300));
        discard(outcome);
        const clean = await simRun(seed, settings);
        assert.deepEqual(failures(clean), [], `without the bug, seed ${seed} still failed (${clean.directory})`);
        discard(clean);
      }
    });
  }
}
