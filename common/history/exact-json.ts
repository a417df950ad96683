/**
 * JSON with exact integers. JSON.parse rounds an integer beyond 2^53 to the
 * nearest double, so 9007199254740993 and 9007199254740992 would compare
 * equal. Such integers become decimal strings instead, as the EDN reader
 * makes them (edn-atoms.ts): one representation across readers. The common
 * line pays one JSON.parse and a type check of its client fields; only a line
 * that holds a large integer is read a second time.
 */

/** Top-level fields that are positions and times, not client data: they stay numbers. */
const NUMERIC_FIELDS: ReadonlySet<string> = new Set(['index', 'time']);
/** Fields whose integers are compared, so they must be exact. */
const CLIENT_FIELDS = ['value', 'key', 'process', 'error'] as const;

/** JSON.parse of one value; integers beyond 2^53 come back as exact decimal strings. */
export function parseExactJson(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  return holdsLargeInteger(parsed) ? JSON.parse(quoteLargeIntegers(text, false)) : parsed;
}

/**
 * JSON.parse of one history event line. Integers beyond 2^53 in its client
 * fields (value, key, process, error) come back as exact decimal strings; its
 * index and time stay numbers.
 */
export function parseExactEvent(line: string): unknown {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null) return parsed;
  const record = parsed as Partial<Record<(typeof CLIENT_FIELDS)[number], unknown>>;
  // Named reads, not a loop over CLIENT_FIELDS: this runs for every line, and a keyed read is slower.
  const large =
    holdsLargeInteger(record.value) || holdsLargeInteger(record.key) || holdsLargeInteger(record.process) || holdsLargeInteger(record.error);
  return large ? JSON.parse(quoteLargeIntegers(line, true)) : parsed;
}

function isLargeInteger(value: number): boolean {
  return Number.isInteger(value) && !Number.isSafeInteger(value);
}

/** Whether any number inside the value is an integer JSON.parse may have rounded. */
function holdsLargeInteger(value: unknown): boolean {
  if (typeof value === 'number') return isLargeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  // An explicit stack: a deeply nested value must not overflow the call stack.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'number' && isLargeInteger(item)) return true;
    if (typeof item === 'object' && item !== null) stack.push(...(Array.isArray(item) ? item : Object.values(item)));
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The position just past the string that opens at `start`. */
function skipString(text: string, start: number): number {
  let position = start + 1;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === 92) position += 2;
    else if (code === 34) return position + 1;
    else position += 1;
  }
  return position;
}

/**
 * The text with each unsafe integer literal in quotes, so JSON.parse keeps its
 * digits. With `event`, the top-level index and time are left as numbers.
 */
function quoteLargeIntegers(text: string, event: boolean): string {
  let result = '';
  let copied = 0;
  let depth = 0;
  let field = '';
  let position = 0;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === 34) {
      const end = skipString(text, position);
      if (depth === 1) field = text.slice(position + 1, end - 1);
      position = end;
      continue;
    }
    if (code === 123 || code === 91) depth += 1;
    else if (code === 125 || code === 93) depth -= 1;
    if (code !== 45 && !isDigit(code)) {
      position += 1;
      continue;
    }
    let end = position + 1;
    while (end < text.length && /[0-9.eE+-]/.test(text.charAt(end))) end += 1;
    const token = text.slice(position, end);
    const keep = event && depth === 1 && NUMERIC_FIELDS.has(field);
    if (!keep && /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
      result += `${text.slice(copied, position)}"${token}"`;
      copied = end;
    }
    position = end;
  }
  return copied === 0 ? text : result + text.slice(copied);
}
