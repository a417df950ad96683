/**
 * What a container needs of the host beyond /usr to run the host's java:
 * Debian's JDK keeps its configuration (security providers among it) in
 * /etc/java-<version>-openjdk, linked from the JDK's conf directory. Without
 * it ZooKeeper dies at start ("MessageDigest SHA not available"). The
 * docker runtime mounts these read-only when given them in BootOptions.mounts.
 */
import { existsSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** The directories outside /usr that the JDK's conf links point into (e.g. /etc/java-17-openjdk); empty when none. */
export function javaHostMounts(javaCommand = 'java'): string[] {
  const executable = resolveCommand(javaCommand);
  if (executable === null) return [];
  const conf = path.join(path.dirname(path.dirname(realpathSync(executable))), 'conf');
  const found = new Set<string>();
  collectLinkRoots(conf, found, 0);
  return [...found].sort();
}

function resolveCommand(command: string): string | null {
  if (command.includes('/')) return existsSync(command) ? command : null;
  for (const directory of (process.env.PATH ?? '/usr/bin').split(':')) {
    const candidate = path.join(directory, command);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Two levels deep is where Debian's JDK links live (conf/, conf/security/). */
function collectLinkRoots(directory: string, found: Set<string>, depth: number): void {
  if (depth > 2 || !existsSync(directory)) return;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isSymbolicLink()) {
      const target = path.resolve(directory, readlinkSync(full));
      const [, top, second] = target.split('/');
      if (top !== undefined && second !== undefined && top !== 'usr' && existsSync(`/${top}/${second}`) && statSync(`/${top}/${second}`).isDirectory()) found.add(`/${top}/${second}`);
    } else if (entry.isDirectory()) {
      collectLinkRoots(full, found, depth + 1);
    }
  }
}
