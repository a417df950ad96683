/**
 * A parser for the subset of EDN that Jepsen and Knossos histories use. It
 * works on a text buffer that may end mid-form: when it runs out of text and
 * more may come, it throws INCOMPLETE and the streaming reader retries the form
 * once it has appended the next chunk.
 */
import { HistoryError } from '../errors.js';
import {
  characterValue,
  isHex,
  parseAtom,
  propertyName,
  setProperty,
  symbolicValue,
  taggedValue,
} from './edn-atoms.js';

/**
 * Thrown when the buffer ends inside a form and more text may come. It is a
 * signal, not an error: the streaming reader catches it, and once `final` is
 * set the parser reports the end of the file as a HistoryError instead.
 */
export const INCOMPLETE: unique symbol = Symbol('incomplete EDN input');

/** Deeper nesting than any history needs; the bound keeps recursion off the stack limit. */
const MAX_DEPTH = 400;

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '"': '"',
  '\\': '\\',
  "'": "'",
};

const SYNTAX_HINT = 'a Jepsen history is EDN: a vector of op maps, or one op map after another';

function isDelimiter(code: number): boolean {
  return (
    code <= 32 || code === 44 || code === 34 || code === 59 || code === 92 || code === 0xfeff ||
    code === 40 || code === 41 || code === 91 || code === 93 || code === 123 || code === 125
  );
}

export class EdnParser {
  text = '';
  position = 0;
  line = 1;
  /** True once no more text will be appended: running out is then an error. */
  final = false;

  constructor(readonly file: string) {}

  /** Drops the consumed prefix and appends a chunk. */
  append(chunk: string): void {
    this.text = this.text.slice(this.position) + chunk;
    this.position = 0;
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): number {
    return this.text.charCodeAt(this.position);
  }

  fail(message: string, line = this.line): never {
    throw new HistoryError(message, { where: `${this.file}:${line}`, hint: SYNTAX_HINT });
  }

  /** Reports running out of text: an error only when no more is coming. */
  ranOut(what: string, line = this.line): never {
    if (!this.final) throw INCOMPLETE;
    return this.fail(`unexpected end of file: ${what}`, line);
  }

  /** Skips whitespace, commas, comments and #_ discarded forms. */
  skipBlank(depth = 0): void {
    const text = this.text;
    while (this.position < text.length) {
      const code = text.charCodeAt(this.position);
      if (code === 10) {
        this.line += 1;
        this.position += 1;
      } else if (code <= 32 || code === 44 || code === 0xfeff) {
        this.position += 1;
      } else if (code === 59) {
        const end = text.indexOf('\n', this.position);
        if (end === -1 && !this.final) throw INCOMPLETE;
        this.position = end === -1 ? text.length : end;
      } else if (code === 35) {
        if (this.position + 1 >= text.length) {
          if (this.final) return;
          throw INCOMPLETE;
        }
        if (text.charCodeAt(this.position + 1) !== 95) return;
        this.position += 2;
        this.readForm(depth + 1);
      } else {
        return;
      }
    }
  }

  /** Reads one complete form. */
  readForm(depth = 0): unknown {
    if (depth > MAX_DEPTH) this.fail(`forms nested more than ${MAX_DEPTH} deep`);
    this.skipBlank(depth);
    if (this.atEnd()) this.ranOut('expected a value');
    const code = this.peek();
    switch (code) {
      case 91: // [
        this.position += 1;
        return this.readSequence(93, 'vector', depth);
      case 40: // (
        this.position += 1;
        return this.readSequence(41, 'list', depth);
      case 123: // {
        this.position += 1;
        return this.readMap(depth);
      case 35: // #
        return this.readDispatch(depth);
      case 34: // "
        return this.readString();
      case 58: // :
        return this.readKeyword();
      case 92: // backslash
        return this.readCharacter();
      case 93:
      case 41:
      case 125:
        return this.fail(`unexpected "${String.fromCharCode(code)}" with nothing open to close`);
      default:
        return parseAtom(this.readToken(), (message) => this.fail(message));
    }
  }

  private readSequence(close: number, what: string, depth: number): unknown[] {
    const openLine = this.line;
    const items: unknown[] = [];
    for (;;) {
      this.skipBlank(depth + 1);
      if (this.atEnd()) this.ranOut(`the ${what} opened at line ${openLine} is not closed`, openLine);
      const code = this.peek();
      if (code === close) {
        this.position += 1;
        return items;
      }
      if (code === 93 || code === 41 || code === 125) {
        this.fail(
          `"${String.fromCharCode(code)}" cannot close the ${what} opened at line ${openLine}`,
        );
      }
      items.push(this.readForm(depth + 1));
    }
  }

  private readMap(depth: number): Record<string, unknown> {
    const openLine = this.line;
    const forms = this.readSequence(125, 'map', depth);
    if (forms.length % 2 !== 0) this.fail(`the map opened at line ${openLine} has a key with no value`);
    const map: Record<string, unknown> = {};
    for (let position = 0; position < forms.length; position += 2) {
      setProperty(map, propertyName(forms[position]), forms[position + 1]);
    }
    return map;
  }

  /** Forms after '#': sets, symbolic values and tagged literals (#_ is blank). */
  private readDispatch(depth: number): unknown {
    if (this.position + 1 >= this.text.length) this.ranOut('expected a form after "#"');
    const next = this.text.charCodeAt(this.position + 1);
    if (next === 123) {
      this.position += 2;
      return this.readSequence(125, 'set', depth);
    }
    if (next === 35) {
      this.position += 2;
      return symbolicValue(this.readToken(), (message) => this.fail(message));
    }
    this.position += 1;
    const tag = this.readToken();
    if (tag.length === 0) this.fail(`"#" followed by "${String.fromCharCode(next)}" is not EDN`);
    return taggedValue(tag, this.readForm(depth + 1));
  }

  private readString(): string {
    const text = this.text;
    const openLine = this.line;
    let result = '';
    this.position += 1;
    let segmentStart = this.position;
    for (;;) {
      if (this.position >= text.length) this.ranOut(`the string opened at line ${openLine} is not closed`, openLine);
      const code = text.charCodeAt(this.position);
      if (code === 34) {
        result += text.slice(segmentStart, this.position);
        this.position += 1;
        return result;
      }
      if (code === 92) {
        result += text.slice(segmentStart, this.position) + this.readEscape(openLine);
        segmentStart = this.position;
      } else {
        if (code === 10) this.line += 1;
        this.position += 1;
      }
    }
  }

  private readEscape(openLine: number): string {
    const text = this.text;
    if (this.position + 1 >= text.length) this.ranOut(`the string opened at line ${openLine} is not closed`, openLine);
    const letter = text.charAt(this.position + 1);
    if (letter === 'u') {
      if (this.position + 6 > text.length) this.ranOut(`the string opened at line ${openLine} is not closed`, openLine);
      const hex = text.slice(this.position + 2, this.position + 6);
      if (!isHex(hex)) this.fail(`malformed escape \\u${hex} in a string`);
      this.position += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const escaped = Object.hasOwn(ESCAPES, letter) ? ESCAPES[letter] : undefined;
    if (escaped === undefined) this.fail(`unknown escape \\${letter} in a string`);
    this.position += 2;
    return escaped;
  }

  private readKeyword(): string {
    this.position += 1;
    const name = this.readToken();
    if (name.length === 0) this.fail('":" must be followed by a keyword name');
    return name;
  }

  private readCharacter(): string {
    this.position += 1;
    if (this.atEnd()) this.ranOut('expected a character after "\\"');
    const first = this.text.codePointAt(this.position)!;
    this.position += first > 0xffff ? 2 : 1;
    const name = String.fromCodePoint(first) + this.readToken();
    return characterValue(name, (message) => this.fail(message));
  }

  /** The run of non-delimiter characters at the position. */
  private readToken(): string {
    const text = this.text;
    const start = this.position;
    let position = start;
    while (position < text.length && !isDelimiter(text.charCodeAt(position))) position += 1;
    // A token that touches the end of the buffer may go on in the next chunk.
    if (position >= text.length && !this.final) throw INCOMPLETE;
    this.position = position;
    return text.slice(start, position);
  }
}
