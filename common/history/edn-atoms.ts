/**
 * The leaves of EDN (numbers, symbols, characters, tags) and how they map onto
 * plain JavaScript values, so that an EDN history compares and serializes like
 * a JSON one.
 */

/** Reports a syntax error at the parser's position; never returns. */
export type Fail = (message: string) => never;

const INTEGER = /^([+-]?)(\d+)N?$/;
const FLOAT = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/;
const RATIO = /^([+-]?\d+)\/(\d+)$/;

/**
 * A number, nil, a boolean, or a symbol (kept as its name). Integers beyond
 * 2^53 stay exact as decimal strings, since a rounded number would make
 * different values compare equal.
 */
export function parseAtom(token: string, fail: Fail): unknown {
  if (token === 'nil') return null;
  if (token === 'true') return true;
  if (token === 'false') return false;
  const first = token.charCodeAt(0);
  const second = token.charCodeAt(1);
  const numeric = isDigit(first) || ((first === 43 || first === 45) && isDigit(second));
  return numeric ? parseNumber(token, fail) : token;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Short plain integers, the bulk of any history, without a regex or a string copy. */
function parseShortInteger(token: string): number | undefined {
  const negative = token.charCodeAt(0) === 45;
  const start = negative || token.charCodeAt(0) === 43 ? 1 : 0;
  if (token.length - start > 15) return undefined;
  let value = 0;
  for (let position = start; position < token.length; position++) {
    const code = token.charCodeAt(position);
    if (code < 48 || code > 57) return undefined;
    value = value * 10 + (code - 48);
  }
  return negative ? -value : value;
}

function parseNumber(token: string, fail: Fail): number | string {
  const short = parseShortInteger(token);
  if (short !== undefined) return short;
  const integer = INTEGER.exec(token);
  if (integer !== null) {
    const value = Number(`${integer[1]}${integer[2]}`);
    if (Number.isSafeInteger(value)) return value;
    const digits = (integer[2] ?? '').replace(/^0+(?=\d)/, '');
    return integer[1] === '-' ? `-${digits}` : digits;
  }
  if (FLOAT.test(token)) return Number.parseFloat(token);
  const ratio = RATIO.exec(token);
  if (ratio !== null) {
    const denominator = Number(ratio[2]);
    if (denominator === 0) fail(`ratio ${token} divides by zero`);
    return Number(ratio[1]) / denominator;
  }
  return fail(`malformed number ${JSON.stringify(token)}`);
}

/** The symbolic values of `##Inf`, `##-Inf` and `##NaN`. */
export function symbolicValue(name: string, fail: Fail): number {
  if (name === 'Inf') return Number.POSITIVE_INFINITY;
  if (name === '-Inf') return Number.NEGATIVE_INFINITY;
  if (name === 'NaN') return Number.NaN;
  return fail(`unknown symbolic value ##${name}`);
}

const NAMED_CHARACTERS: Readonly<Record<string, string>> = {
  newline: '\n',
  space: ' ',
  tab: '\t',
  return: '\r',
  formfeed: '\f',
  backspace: '\b',
};

/** The text of a character literal, from the name that follows the backslash. */
export function characterValue(name: string, fail: Fail): string {
  if (name.length === 1 || (name.length === 2 && name.codePointAt(0)! > 0xffff)) return name;
  const named = Object.hasOwn(NAMED_CHARACTERS, name) ? NAMED_CHARACTERS[name] : undefined;
  if (named !== undefined) return named;
  if (name.length === 5 && name[0] === 'u' && isHex(name.slice(1))) {
    return String.fromCharCode(Number.parseInt(name.slice(1), 16));
  }
  return fail(`unknown character \\${name}`);
}

export function isHex(text: string): boolean {
  for (let position = 0; position < text.length; position++) {
    const code = text.charCodeAt(position) | 0x20;
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return false;
  }
  return text.length > 0;
}

/**
 * The value of a tagged literal. `#inst` and `#uuid` become their strings;
 * Jepsen's independent Tuple record becomes the [key value] pair that its
 * vector form also prints as; unknown tags keep their value.
 */
export function taggedValue(tag: string, value: unknown): unknown {
  if (tag === 'jepsen.independent.Tuple' || tag.endsWith('independent.Tuple')) {
    if (isPlainObject(value) && Object.hasOwn(value, 'key')) return [value['key'], value['value']];
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** EDN maps allow any key; JavaScript objects want strings. */
export function propertyName(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'nil';
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  return JSON.stringify(key) ?? String(key);
}

/** Sets a property even when the key is "__proto__", which `=` would not. */
export function setProperty(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}
