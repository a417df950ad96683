/**
 * The docker engine connection (the local socket, or DOCKER_HOST), checked
 * with a bounded ping so an engine that is down is one clear error.
 */
import Docker from 'dockerode';
import { FaultlineError } from '../../../common/errors.js';
import { withTimeout } from '../real/host-commands.js';

const PING_TIMEOUT_MS = 5_000;

export function engineAddress(): string {
  return process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
}

/** A client for the engine, or undefined when it does not answer. */
export async function tryConnect(): Promise<Docker | undefined> {
  const docker = new Docker();
  try {
    await withTimeout(docker.ping(), PING_TIMEOUT_MS, 'docker ping');
    return docker;
  } catch {
    return undefined;
  }
}

export async function connect(): Promise<Docker> {
  const docker = new Docker();
  try {
    await withTimeout(docker.ping(), PING_TIMEOUT_MS, 'docker ping');
  } catch (error) {
    throw new FaultlineError('E_INFRASTRUCTURE', `cannot reach the docker engine at ${engineAddress()}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'run scripts/setup.sh (it starts dockerd), or set DOCKER_HOST to a running engine; --runtime local or --runtime sim need no docker',
    });
  }
  return docker;
}

/** The HTTP status of a dockerode error (404 for "no such container"), if it has one. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? Number((error as { statusCode: unknown }).statusCode) : undefined;
}
