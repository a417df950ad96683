/** How much of a crashed node's log a crash record keeps: enough to see what the node was doing. */
export const CRASH_LOG_LINES = 20;

/** The last lines of a log, for a crash record. */
export function lastLines(lines: readonly string[], count = CRASH_LOG_LINES): string[] {
  return lines.slice(Math.max(0, lines.length - count));
}
