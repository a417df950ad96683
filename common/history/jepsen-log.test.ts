import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collect, readIndex, rejectsWithHistoryError, SHARED_HISTORIES, temporaryDirectory, toEdn } from './fixtures.js';
import { readJepsenLog } from './jepsen-log.js';
import type { HistoryEvent } from './types.js';

const files = temporaryDirectory();
after(() => files.remove());

/** The opening of porcupine's test_data/jepsen/etcd_000.log (tab-separated), among other log lines. */
const TAB_LOG = [
  '2015-03-12 INFO  jepsen.core - Running test etcd',
  'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
  'INFO  jepsen.util - 2\t:invoke\t:write\t4',
  'INFO  jepsen.util - 0\t:ok\t:read\tnil',
  'INFO  jepsen.util - 2\t:ok\t:write\t4',
  'INFO  jepsen.util - 1\t:invoke\t:cas\t[0 3]',
  'INFO  jepsen.util - 1\t:fail\t:cas\t[0 3]',
  'INFO  jepsen.util - 4\t:invoke\t:write\t1',
  'INFO  jepsen.util - Nemesis is resting',
  'INFO  jepsen.util - 4\t:info\t:write\t:timed-out',
  'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
  '',
].join('\n');

/** The space-separated style of etcd_100…102, with a read that fails by timing out. */
const SPACE_LOG = [
  'INFO  jepsen.util - 3   :invoke :read   nil',
  'INFO  jepsen.util - 15  :invoke :cas    [1 3]',
  'INFO  jepsen.util - 3   :fail   :read   :timed-out',
  'INFO  jepsen.util - 15  :info   :cas    :timed-out',
  'INFO jepsen.util - 7 :invoke :write 2',
  'INFO jepsen.util - 7 :ok :write 2',
].join('\n');

describe('readJepsenLog', () => {
  it('reads tab-separated op lines and skips the rest of the log', async () => {
    const events = await collect(readJepsenLog(files.write('tabs.log', TAB_LOG)));
    assert.deepEqual(events.map((event) => event.index), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(events[0], { index: 0, process: 0, type: 'invoke', f: 'read', value: null });
    assert.deepEqual(events[5], { index: 5, process: 1, type: 'fail', f: 'cas', value: [0, 3] });
    assert.deepEqual(events[8], { index: 8, process: 'nemesis', type: 'info', f: 'start', value: null });
  });

  it('copies the invocation value onto info and fail completions and keeps the reason in error', async () => {
    const tabs = await collect(readJepsenLog(files.write('info.log', TAB_LOG)));
    assert.deepEqual(tabs[7], { index: 7, process: 4, type: 'info', f: 'write', value: 1, error: 'timed-out' });
    const spaces = await collect(readJepsenLog(files.write('spaces.log', SPACE_LOG)));
    assert.deepEqual(spaces[2], { index: 2, process: 3, type: 'fail', f: 'read', value: null, error: 'timed-out' });
    assert.deepEqual(spaces[3], { index: 3, process: 15, type: 'info', f: 'cas', value: [1, 3], error: 'timed-out' });
    assert.deepEqual(spaces[5], { index: 5, process: 7, type: 'ok', f: 'write', value: 2 });
  });

  it('keeps a trailing error field, as EDN when it parses and as text otherwise', async () => {
    const log = [
      'INFO jepsen.util - 1 :invoke :read nil',
      'INFO jepsen.util - 1 :fail :read nil :not-found',
      'INFO jepsen.util - 2 :invoke :read nil',
      'INFO jepsen.util - 2 :info :read nil java.net.SocketTimeoutException: Read timed out',
    ].join('\n');
    const events = await collect(readJepsenLog(files.write('errors.log', log)));
    assert.equal(events[1]?.error, 'not-found');
    assert.equal(events[3]?.error, 'java.net.SocketTimeoutException: Read timed out');
  });

  it('names file:line for a malformed value and for broken pairing', async () => {
    const badValue = files.write('bad-value.log', 'x\nINFO jepsen.util - 1 :invoke :write [1 2\n');
    await rejectsWithHistoryError(collect(readJepsenLog(badValue)), { where: `${badValue}:2`, message: /not closed/ });
    const badPair = files.write('bad-pair.log', 'INFO jepsen.util - 1 :ok :write 1\n');
    await rejectsWithHistoryError(collect(readJepsenLog(badPair)), { where: `${badPair}:1`, message: /no open invoke/ });
  });

  it('reproduces every shared etcd history from its log form', async () => {
    const rows = readIndex('etcd');
    assert.equal(rows.length, 102);
    for (const row of rows) {
      const file = row['file'] ?? '';
      const expected = readFileSync(join(SHARED_HISTORIES, 'etcd', file), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as HistoryEvent);
      const separator = file >= 'etcd_100' ? '   ' : '\t';
      const log = expected.map((event) => logLine(event, separator)).join('\n');
      const events = await collect(readJepsenLog(files.write(file.replace('.jsonl', '.log'), log)));
      assert.deepEqual(events, expected, file);
    }
  });
});

/** How the old Jepsen printed an event: a timeout shows its reason instead of a value. */
function logLine(event: HistoryEvent, separator: string): string {
  const value = event.error === undefined ? toEdn(event.value) : `:${String(event.error)}`;
  return `INFO  jepsen.util - ${[event.process, `:${event.type}`, `:${event.f}`, value].join(separator)}`;
}
