import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseExactEvent, parseExactJson } from './exact-json.js';
import { collect, temporaryDirectory } from './fixtures.js';
import { formatEvent, readJsonl } from './jsonl.js';
import { readEdn } from './edn.js';
import { readJepsenLog } from './jepsen-log.js';

const files = temporaryDirectory();
after(() => files.remove());

describe('exact integers in JSON', () => {
  it('keeps integers beyond 2^53 as exact decimal strings, wherever they sit in a value', () => {
    assert.deepEqual(parseExactJson('[9007199254740993, -9007199254740993, 9007199254740991, 1.5e300, "9007199254740993x"]'), [
      '9007199254740993',
      '-9007199254740993',
      9007199254740991,
      1.5e300,
      '9007199254740993x',
    ]);
    assert.deepEqual(parseExactJson('{"a":{"b":[123456789012345678901234567890]},"c":"\\"12345678901234567890"}'), {
      a: { b: ['123456789012345678901234567890'] },
      c: '"12345678901234567890',
    });
    // 2^53 itself is not safe: 2^53 + 1 parses to it.
    assert.equal(parseExactJson('9007199254740992'), '9007199254740992');
  });

  it('leaves an event index and time as numbers, and quotes large client fields only', () => {
    const line = '{"index":0,"time":18446744073709551615,"process":1,"type":"ok","f":"cas","key":18446744073709551616,"value":[9007199254740993,{"time":9007199254740995}]}';
    assert.deepEqual(parseExactEvent(line), {
      index: 0,
      time: 18446744073709551615,
      process: 1,
      type: 'ok',
      f: 'cas',
      key: '18446744073709551616',
      value: ['9007199254740993', { time: '9007199254740995' }],
    });
  });

  it('reads the same value from JSONL, EDN and a Jepsen log, and writes it back unchanged', async () => {
    const jsonl = files.write('big.jsonl', '{"process":0,"type":"invoke","f":"write","value":9007199254740993}\n');
    const edn = files.write('big.edn', '[{:process 0, :type :invoke, :f :write, :value 9007199254740993}]');
    const log = files.write('big.log', 'INFO  jepsen.util - 0\t:invoke\t:write\t9007199254740993\n');
    const values = await Promise.all([readJsonl(jsonl), readEdn(edn), readJepsenLog(log)].map(async (events) => (await collect(events))[0]!.value));
    assert.deepEqual(values, ['9007199254740993', '9007199254740993', '9007199254740993']);
    const event = (await collect(readJsonl(jsonl)))[0]!;
    assert.equal(parseExactEvent(formatEvent(event)) && (parseExactEvent(formatEvent(event)) as { value: unknown }).value, '9007199254740993');
  });
});
