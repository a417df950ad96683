/** How `faultline check` shows a result to a person. */
import type { LinearizabilityResult } from '../../../checkers/linearizability/check.js';
import type { OperationView } from '../../../checkers/linearizability/counterexample.js';

export type FileResult = LinearizabilityResult & { file: string; parseMs: number };

const VERDICT_WORDS = { true: 'linearizable', false: 'NOT linearizable', unknown: 'unknown' } as const;

export function formatFileResult(result: FileResult): string {
  const verdict = VERDICT_WORDS[String(result.valid) as keyof typeof VERDICT_WORDS];
  const keys = result.keys === 1 ? '1 key' : `${result.keys} keys`;
  const lines = [`${result.file}: ${verdict} (${result.model}, ${result.ops} ops, ${keys}, ${result.checkMs.toFixed(1)} ms)`];
  if (result.valid === 'unknown' && result.reason !== undefined) lines.push(`  ${result.reason}`);
  const bad = result.keyResults.filter((key) => key.valid !== true && key.key !== null);
  if (bad.length > 0) {
    lines.push(`  keys not shown valid: ${bad.map((key) => `${key.key} (${String(key.valid)})`).join(', ')}`);
  }
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

function view(operation: OperationView): string {
  const span = operation.callSeconds === undefined
    ? `events ${operation.callIndex}..${operation.returnIndex ?? 'end'}`
    : `${operation.callSeconds.toFixed(3)} s..${operation.returnSeconds === undefined ? 'end' : `${operation.returnSeconds.toFixed(3)} s`}`;
  return `process ${String(operation.process)}: ${operation.description} [${operation.status}, ${span}]`;
}
