/** JUnit XML: its shape, and well-formed XML whatever the checkers' sentences hold. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredChecker, StoredRun } from './index-runs.js';
import { junitXml } from './junit.js';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five entities and numeric references; anything else after & is not well-formed. */
function decode(raw: string, where: string): string {
  assert.doesNotMatch(raw, /</, `a raw < in ${where}`);
  return raw.replace(/&([^;]*);?/g, (whole, name: string) => {
    assert.ok(whole.endsWith(';'), `an unterminated & in ${where}: ${raw}`);
    if (/^#\d+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    assert.ok(name in ENTITIES, `an unknown entity &${name}; in ${where}`);
    return ENTITIES[name]!;
  });
}

/** A tiny well-formedness check: a prolog, one root, balanced tags, quoted unique attributes, escaped text. */
function parseXml(xml: string): XmlElement {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'no characters XML 1.0 forbids');
  const body = xml.replace(/^<\?xml[^?]*\?>/, '');
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>/y;
  const stack: XmlElement[] = [{ name: '#document', attributes: {}, children: [], text: '' }];
  let position = 0;
  while (position < body.length) {
    const next = body.indexOf('<', position);
    const text = body.slice(position, next === -1 ? body.length : next);
    stack.at(-1)!.text += decode(text, `text of <${stack.at(-1)!.name}>`);
    if (next === -1) break;
    tag.lastIndex = next;
    const match = tag.exec(body);
    assert.ok(match !== null, `a malformed tag at ${next}: ${body.slice(next, next + 80)}`);
    const [whole, closing, name, attributeText, selfClosing] = match;
    position = next + whole.length;
    if (closing === '/') {
      const open = stack.pop()!;
      assert.equal(open.name, name, `</${name}> closes <${open.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attributeText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      assert.ok(!(key! in attributes), `a duplicate attribute ${key} on <${name}>`);
      attributes[key!] = decode(value!, `attribute ${key} of <${name}>`);
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: '' };
    stack.at(-1)!.children.push(element);
    if (selfClosing !== '/') stack.push(element);
  }
  assert.equal(stack.length, 1, `unclosed <${stack.at(-1)!.name}>`);
  assert.equal(stack[0]!.children.length, 1, 'one root element');
  assert.equal(stack[0]!.text.trim(), '', 'nothing but whitespace outside the root');
  return stack[0]!.children[0]!;
}

const NASTY = 'read of <]]>&"\' saw 3\u0001 at </testcase>';

function storedRun(id: string, seed: number, checkers: Record<string, StoredChecker>, extra: Partial<StoredRun> = {}): StoredRun {
  return {
    directory: `/work/runs/${id}`,
    id,
    startedAt: '2026-11-22T13:04:55Z',
    hasReport: true,
    wallSeconds: 1.25,
    config: { system: 'coordinator-raft', workload: 'register', nemesis: 'partition,kill', seed, runtime: 'sim', bugs: [] },
    results: { valid: true, ops: 10, checkers },
    ...extra,
  };
}

const checker = (valid: true | false | 'unknown', more: Partial<StoredChecker> = {}): StoredChecker => ({ valid, stats: {}, raw: {}, ...more });

test('one test case per run and checker; failures carry the sentence and report path; unknowns are errors', () => {
  const runs: StoredRun[] = [
    storedRun('run-a', 1, { 'linearizability:cas-register': checker(false, { sentence: NASTY, stats: { checkMs: 250 } }), perf: checker(true) }),
    storedRun('run-b', 2, { lock: checker('unknown', { reason: 'gave up after <60 s> & more' }), perf: checker(true) }),
    { directory: '/work/runs/run-c', id: 'run-c', startedAt: '2026-11-22T13:00:00Z', hasReport: false, problem: 'no results.json: interrupted', config: { system: 'coordinator-zab', workload: 'lock', nemesis: 'kill', seed: 3, runtime: 'sim', bugs: ['vote-ignores-log'] } },
  ];
  const root = parseXml(junitXml(runs, { pathBase: '/work' }));
  assert.equal(root.name, 'testsuites');
  assert.deepEqual([root.attributes.tests, root.attributes.failures, root.attributes.errors], ['5', '1', '2']);
  assert.deepEqual(root.children.map((suite) => suite.name), ['testsuite', 'testsuite', 'testsuite']);
  const [first, second, third] = root.children as [XmlElement, XmlElement, XmlElement];
  const properties = Object.fromEntries(first.children[0]!.children.map((property) => [property.attributes.name, property.attributes.value]));
  assert.equal(properties.seed, '1');
  assert.equal(properties.run, 'runs/run-a');
  const cases = first.children.filter((child) => child.name === 'testcase');
  assert.deepEqual(cases.map((testCase) => testCase.attributes.name), ['linearizability:cas-register seed=1', 'perf seed=1']);
  assert.equal(cases[0]!.attributes.classname, 'faultline.coordinator-raft.register.partition+kill');
  assert.equal(cases[0]!.attributes.time, '0.250');
  const failure = cases[0]!.children[0]!;
  assert.equal(failure.name, 'failure');
  assert.equal(failure.attributes.type, 'VIOLATION', 'the word the CLI prints for a violation');
  assert.match(failure.text, /^VIOLATION: /);
  assert.equal(failure.attributes.message, NASTY.replace('\u0001', '\uFFFD'), 'the sentence comes back exactly, the forbidden character replaced');
  assert.match(failure.text, /report: runs\/run-a\/report\.html/);
  assert.ok(failure.text.includes('<]]>&"'));
  assert.equal(cases[1]!.children.length, 0, 'a valid checker has no child');
  const unknown = second.children.find((child) => child.name === 'testcase' && child.attributes.name === 'lock seed=2')!;
  assert.equal(unknown.children[0]!.name, 'error');
  assert.equal(unknown.children[0]!.attributes.message, 'gave up after <60 s> & more');
  assert.equal(unknown.children[0]!.attributes.type, 'unknown');
  const incomplete = third.children.filter((child) => child.name === 'testcase');
  assert.equal(incomplete.length, 1);
  assert.equal(incomplete[0]!.attributes.name, 'run seed=3');
  assert.equal(incomplete[0]!.children[0]!.attributes.type, 'incomplete');
  assert.ok(third.children[0]!.children.some((property) => property.attributes.name === 'bugs' && property.attributes.value === 'vote-ignores-log'));
});

test('the well-formedness check itself rejects broken XML', () => {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
  assert.throws(() => parseXml(`${prolog}<a><b></a></b>`));
  assert.throws(() => parseXml(`${prolog}<a x="1 < 2"/>`));
  assert.throws(() => parseXml(`${prolog}<a>fish & chips</a>`));
  assert.throws(() => parseXml(`${prolog}<a/><b/>`));
  assert.equal(parseXml(`${prolog}<a x="&lt;&#10;">t &amp; u</a>`).attributes.x, '<\n');
});

test('no runs still give a valid, empty document', () => {
  const root = parseXml(junitXml([]));
  assert.equal(root.attributes.tests, '0');
  assert.equal(root.children.length, 0);
});
