/**
 * Absent evidence is never valid: every named checker, given a history with
 * no client operations, or one where nothing ended ok, says unknown with a
 * reason that says there was nothing to judge. A CI job must not pass on no data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromSpans, inputFromEvents, type CheckerInput, type RoleSample } from './checker.js';
import { CHECKER_NAMES, runNamedChecker } from './registry.js';

/** Roles and final states are there, so only the missing client operations can make a checker unknown. */
const leaderRoles: RoleSample[] = [
  { time: 0, node: 'n1', role: 'leader', epoch: 1 },
  { time: 1e9, node: 'n1', role: 'leader', epoch: 1 },
  { time: 1e9, node: 'n2', role: 'follower', epoch: 1 },
];
const withEverythingButOperations = { roles: leaderRoles, finalStates: { n1: {}, n2: {} } };

function judge(name: string, input: CheckerInput): void {
  const result = runNamedChecker(name, input, { timeoutMs: 10_000 });
  assert.equal(result.valid, 'unknown', `${name}: ${JSON.stringify(result)}`);
  assert.match(result.reason ?? '', /nothing to judge|no times/, name);
}

describe('no checker calls absent evidence valid', () => {
  it('an empty history is unknown for every checker, with a sentence that says there was nothing to judge', () => {
    const input = inputFromEvents([], withEverythingButOperations);
    for (const name of CHECKER_NAMES) {
      if (name === 'split-brain') continue; // it judges roles, which are here; see below
      judge(name, input);
    }
  });

  it('a history where every client operation failed or timed out is unknown too', () => {
    const failed = (process: number, f: string, type: 'fail' | 'info', value?: unknown) => ({
      process,
      f,
      callSeconds: process,
      returnSeconds: process + 1,
      type,
      ...(value === undefined ? {} : { value }),
    });
    const register = [failed(0, 'write', 'fail', 1), failed(1, 'read', 'info'), failed(2, 'cas', 'fail', [1, 2])];
    const lock = [failed(0, 'acquire', 'fail'), failed(1, 'acquire', 'info')];
    const histories: Record<string, ReturnType<typeof failed>[]> = {
      'linearizability:cas-register': register,
      'linearizability:register': register.slice(0, 2),
      'linearizability:mutex': lock,
      lock,
      fencing: [failed(0, 'write-resource', 'fail', 3)],
      sequence: [failed(0, 'next', 'info')],
    };
    for (const [name, spans] of Object.entries(histories)) judge(name, inputFromEvents(eventsFromSpans(spans)));
  });

  it('split-brain is unknown without role samples and without any leader among them', () => {
    judge('split-brain', inputFromEvents([]));
    judge('split-brain', inputFromEvents([], { roles: [{ time: 0, node: 'n1', role: 'follower', epoch: 1 }] }));
  });

  it('convergence is unknown when no key was written or held', () => {
    judge('convergence', inputFromEvents([], { finalStates: { n1: {}, n2: {} } }));
  });

  it('evidence still gives a verdict: one ok write is linearizable', () => {
    const input = inputFromEvents(eventsFromSpans([{ process: 0, f: 'write', callSeconds: 0, returnSeconds: 1, value: 1 }]));
    assert.equal(runNamedChecker('linearizability:cas-register', input).valid, true);
  });
});
