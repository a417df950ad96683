/**
 * Checker stats in words for a person: `divergentKeys 0` reads "divergent
 * keys 0". A few names get a phrase of their own; any other name, such as a
 * stat a new checker adds, is split at its capitals, with a trailing `Ms`
 * read as the unit, so no internal name reaches the page.
 */

const PHRASES: Record<string, string> = {
  checkMs: 'check time (ms)',
  ops: 'operations',
  okPerSecond: 'ok operations per second',
  sameEpochLeaders: 'leaders sharing an epoch or term',
  overlapsWithWritesOnBoth: 'overlaps with writes on both leaders',
  writesAttributed: 'writes attributed to leaders',
  holdsFrom: 'holds measured from',
  skippedAtLeast: 'ids skipped (at least)',
  staleTokensAccepted: 'stale tokens accepted',
  unknown: 'outcome unknown',
};

/** "latencyP99Ms" -> "latency p99 (ms)", "divergentKeys" -> "divergent keys". */
function splitCamelCase(name: string): string {
  const unit = /[a-z0-9]Ms$/.test(name) ? ' (ms)' : '';
  const stem = unit === '' ? name : name.slice(0, -2);
  const words = stem
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return `${words === '' ? name : words}${unit}`;
}

/** The words a report shows for a checker's stat name. */
export function statWords(name: string): string {
  return Object.hasOwn(PHRASES, name) ? PHRASES[name]! : splitCamelCase(name);
}
