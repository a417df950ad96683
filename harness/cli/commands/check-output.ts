/** How `faultline check` shows a result to a person. */
import type { KeyResult, LinearizabilityResult } from '../../../checkers/linearizability/check.js';
import type { OperationView } from '../../../checkers/linearizability/counterexample.js';
import type { Semantics } from '../../../checkers/linearizability/model.js';
import { verdictWord } from '../../../checkers/checker.js';

export type FileResult = LinearizabilityResult & {
  file: string;
  parseMs: number;
  semantics: Semantics;
  /** Why the history was judged short of its end, e.g. a last line cut short. */
  warnings?: string[];
};

const VERDICT_PHRASES = { true: 'linearizable', false: 'not linearizable', unknown: 'not judged' } as const;

/** The first line is the verdict in words (VIOLATION, valid, unknown), as a run's verdict is. */
export function formatFileResult(result: FileResult): string {
  const phrase = VERDICT_PHRASES[String(result.valid) as keyof typeof VERDICT_PHRASES];
  const keys = result.keys === 1 ? '1 key' : `${result.keys} keys`;
  const facts = `${result.model}, ${result.semantics} semantics, ${result.ops} ops, ${keys}, ${result.checkMs.toFixed(1)} ms`;
  const lines = [`${verdictWord(result.valid)}: ${result.file}: ${phrase} (${facts})`];
  if (result.valid === 'unknown' && result.reason !== undefined) lines.push(`  ${result.reason}`);
  lines.push(...keyLines(result.keyResults));
  const example = result.counterexample;
  if (example !== undefined) {
    lines.push(`  ${example.sentence}`);
    lines.push(`  cannot linearize: ${view(example.operation)}`);
    for (const other of example.concurrent) lines.push(`    in flight:      ${view(other)}`);
    lines.push(`  longest linearizable prefix: ${example.prefixLength} operations, leaving ${example.stateAfterPrefix}; it ends with:`);
    for (const other of example.prefixTail) lines.push(`    ${view(other)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Which keys were violated and which were left unknown, when the history has keys. */
function keyLines(keyResults: readonly KeyResult[]): string[] {
  const keyed = keyResults.filter((key) => key.key !== null);
  const violated = keyed.filter((key) => key.valid === false).map((key) => key.key);
  const unknown = keyed.filter((key) => key.valid === 'unknown').map((key) => key.key);
  const lines: string[] = [];
  if (violated.length > 0) lines.push(`  ${violated.length === 1 ? 'key' : 'keys'} with a violation: ${violated.join(', ')}`);
  if (unknown.length > 0) lines.push(`  ${unknown.length === 1 ? 'key' : 'keys'} left unknown: ${unknown.join(', ')}`);
  return lines;
}

function view(operation: OperationView): string {
  const span = operation.callSeconds === undefined
    ? `events ${operation.callIndex}..${operation.returnIndex ?? 'end'}`
    : `${operation.callSeconds.toFixed(3)} s..${operation.returnSeconds === undefined ? 'end' : `${operation.returnSeconds.toFixed(3)} s`}`;
  return `process ${String(operation.process)}: ${operation.description} [${operation.status}, ${span}]`;
}
