/** Booting a real runtime where it cannot run is one clear, typed error: no root for local, no engine for docker. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { isFaultlineError } from '../../../common/errors.js';
import { bootRuntime } from './index.js';
import { TEST_OUTPUT } from './test-support.js';

test('local without root: E_UNSUPPORTED that says so and suggests docker or sim', async () => {
  const index = fileURLToPath(new URL('./index.js', import.meta.url));
  const script = `import(${JSON.stringify(index)}).then((m) => m.bootRuntime('local', { runId: 'no-root', nodes: ['n1'], workDirectory: '/tmp/faultline-no-root' })).then(
    () => console.log('booted'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })))`;
  const output = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { uid: 65534, gid: 65534, cwd: '/tmp', timeout: 10_000 }, (error, stdout) => (error === null ? resolve(stdout) : reject(error))),
  );
  const reported = JSON.parse(output) as { code: string; message: string; hint: string };
  assert.equal(reported.code, 'E_UNSUPPORTED');
  assert.match(reported.message, /needs root/);
  assert.match(reported.hint, /--runtime docker or --runtime sim/);
});

test('docker with no engine: E_INFRASTRUCTURE that points at scripts/setup.sh and DOCKER_HOST', async () => {
  const saved = process.env['DOCKER_HOST'];
  process.env['DOCKER_HOST'] = 'unix:///nonexistent/faultline-docker.sock';
  try {
    await assert.rejects(bootRuntime('docker', { runId: 'no-engine', nodes: ['n1'], workDirectory: `${TEST_OUTPUT}/no-engine` }), (error: unknown) => {
      assert.ok(isFaultlineError(error));
      assert.equal(error.code, 'E_INFRASTRUCTURE');
      assert.match(error.message, /cannot reach the docker engine at unix:\/\/\/nonexistent/);
      assert.match(error.hint ?? '', /scripts\/setup\.sh.*DOCKER_HOST/);
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env['DOCKER_HOST'];
    else process.env['DOCKER_HOST'] = saved;
  }
});

test('a run id that cannot name containers is a usage error', async () => {
  await assert.rejects(bootRuntime('local', { runId: 'bad id/with slash', nodes: ['n1'], workDirectory: `${TEST_OUTPUT}/bad` }), /cannot name containers/);
});
