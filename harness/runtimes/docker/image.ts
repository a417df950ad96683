/**
 * The node image, built locally because no registry is reachable: a rootfs
 * of empty directories, the merged-/usr symlinks and an /etc/passwd, made with
 * `docker import` (about 0.1 s). Containers run the host's programs through
 * /usr and /etc/alternatives mounted read-only (see hostMounts).
 */
import { mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync, createReadStream, chmodSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { FaultlineError } from '../../../common/errors.js';
import { runCommand, withTimeout } from '../real/host-commands.js';
import { createWorkDirectory } from '../real/work-directory.js';
import { statusOf } from './engine.js';

export const DEFAULT_IMAGE = 'faultline-node:local';
const IMPORT_TIMEOUT_MS = 60_000;

async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

function writeRootfs(directory: string): void {
  for (const name of ['usr', 'etc', 'tmp', 'proc', 'sys', 'dev', 'run', 'root', 'var/tmp']) mkdirSync(path.join(directory, name), { recursive: true });
  chmodSync(path.join(directory, 'tmp'), 0o1777);
  for (const name of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${name}`, path.join(directory, name));
  writeFileSync(path.join(directory, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  writeFileSync(path.join(directory, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}

/** Makes sure the image exists; builds faultline-node:local when it is missing. A user's own image must exist already. */
export async function ensureImage(docker: Docker, image: string): Promise<void> {
  if (await imageExists(docker, image)) return;
  if (image !== DEFAULT_IMAGE) {
    throw new FaultlineError('E_CONFIG', `docker image ${image} is not on this engine`, { hint: `pull or build it first, or leave the image unset to use ${DEFAULT_IMAGE}` });
  }
  const workDirectory = createWorkDirectory('image');
  try {
    const rootfs = path.join(workDirectory, 'rootfs');
    mkdirSync(rootfs);
    writeRootfs(rootfs);
    const tarball = path.join(workDirectory, 'rootfs.tar');
    await runCommand('tar', ['-C', rootfs, '-cf', tarball, '.']);
    const [repository, tag] = DEFAULT_IMAGE.split(':');
    const progress = await docker.importImage(createReadStream(tarball), { repo: repository, tag });
    await withTimeout(
      new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (error: Error | null) => (error === null ? resolve() : reject(error)))),
      IMPORT_TIMEOUT_MS,
      `docker import of ${DEFAULT_IMAGE}`,
    );
  } finally {
    rmSync(workDirectory, { recursive: true, force: true });
  }
  if (!(await imageExists(docker, image))) throw new FaultlineError('E_INFRASTRUCTURE', `docker import did not produce ${DEFAULT_IMAGE}`);
}

/** Read-only binds that let the host's programs run in the default image; node's own prefix when it lives outside /usr. */
export function hostMounts(image: string, extraMounts: readonly string[]): string[] {
  // Debian's JDK keeps its configuration (security providers among it) in /etc/java-<n>-openjdk: without it java dies at start.
  const paths = image === DEFAULT_IMAGE ? ['/usr', '/etc/alternatives', ...javaConfigDirectories()] : [];
  const nodePrefix = path.dirname(path.dirname(realpathSync(process.execPath)));
  if (image === DEFAULT_IMAGE && !nodePrefix.startsWith('/usr')) paths.push(nodePrefix);
  for (const mount of extraMounts) paths.push(path.resolve(mount));
  const unique = [...new Set(paths)].filter((candidate, _index, all) => !all.some((other) => other !== candidate && candidate.startsWith(`${other}/`)));
  return unique.map((hostPath) => `${hostPath}:${hostPath}:ro`);
}

function javaConfigDirectories(): string[] {
  try {
    return readdirSync('/etc').filter((name) => /^java-\d+-openjdk$/.test(name)).map((name) => path.join('/etc', name));
  } catch {
    return [];
  }
}
