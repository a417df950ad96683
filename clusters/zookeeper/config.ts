/**
 * What a ZooKeeper node runs from: its zoo.cfg and myid (written into the
 * node's data directory, which has the same path inside a container) and the
 * java command line. Debian's zookeeper.jar lists its dependencies in its
 * manifest, but not a logging backend (without slf4j-simple ZooKeeper logs
 * nothing) nor the servlet API (without it the admin server does not start).
 * A user's own unpacked release (apache-zookeeper-*-bin) brings all its jars
 * in lib/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeProcessSpec, RealNodeInfo } from '../../harness/runtimes/real/index.js';

export const CLIENT_PORT = 2181;
export const QUORUM_PORT = 2888;
export const ELECTION_PORT = 3888;
export const ADMIN_PORT = 8080;

const MAIN_CLASS = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
const DEBIAN_JARS = ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar', '/usr/share/java/servlet-api.jar'];
/** Small heap, one GC thread, a quick JIT: three JVMs and the harness share two cores. */
const JVM_OPTIONS = ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.net.preferIPv4Stack=true'];
/** slf4j-simple: timestamps, and no line per four-letter word (the role sampler asks every node several times a second). */
const LOG_OPTIONS = [
  '-Dorg.slf4j.simpleLogger.showDateTime=true',
  '-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS',
  '-Dorg.slf4j.simpleLogger.log.org.apache.zookeeper.server.NIOServerCnxn=warn',
];

export interface ZooKeeperInstall {
  /** The java executable; default `java` from PATH. */
  java?: string;
  /** An unpacked ZooKeeper release whose lib/ holds every jar; default Debian's package. */
  installDirectory?: string;
}

export interface ZooKeeperTiming {
  /** ZooKeeper's tick; session timeouts run from 2 to 20 ticks. */
  tickTimeMs: number;
  /** Ticks a follower may take to connect and sync to a leader. */
  initLimitTicks: number;
  /** Ticks a follower may fall behind before the leader drops it. */
  syncLimitTicks: number;
}

export const DEFAULT_TIMING: ZooKeeperTiming = { tickTimeMs: 2_000, initLimitTicks: 10, syncLimitTicks: 5 };

/** Where a node's ZooKeeper files live, inside its data directory. */
export function zookeeperDirectory(node: RealNodeInfo): string {
  return path.join(node.dataDirectory, 'zookeeper');
}

/** Reads a file of a node's, on the machine it runs on; undefined when missing. */
export type NodeFileReader = (node: string, file: string) => Promise<string | undefined>;
/** Writes a file of a node's, on the machine it runs on, making its directories. */
export type NodeFileWriter = (node: string, file: string, contents: string) => Promise<void>;

/** The epoch the node last took part in, as ZooKeeper keeps it on disk (on the node's machine, through readFile when given); null before it has one. */
export async function currentEpoch(node: RealNodeInfo, readFile?: NodeFileReader): Promise<number | null> {
  const file = path.join(zookeeperDirectory(node), 'data', 'version-2', 'currentEpoch');
  try {
    const text = readFile === undefined ? readFileSync(file, 'utf8') : await readFile(node.name, file);
    const epoch = Number(text?.trim());
    return text !== undefined && Number.isSafeInteger(epoch) ? epoch : null;
  } catch {
    return null;
  }
}

/** The node's id in the ensemble: n1 -> 1 (its position in the cluster, 1-based). */
export function myId(nodes: readonly RealNodeInfo[], node: RealNodeInfo): number {
  return nodes.indexOf(node) + 1;
}

export function zooConfig(nodes: readonly RealNodeInfo[], node: RealNodeInfo, timing: ZooKeeperTiming): string {
  const servers = nodes.map((member, index) => `server.${index + 1}=${member.address}:${QUORUM_PORT}:${ELECTION_PORT}`);
  return [
    `tickTime=${timing.tickTimeMs}`,
    `initLimit=${timing.initLimitTicks}`,
    `syncLimit=${timing.syncLimitTicks}`,
    `dataDir=${path.join(zookeeperDirectory(node), 'data')}`,
    `clientPort=${CLIENT_PORT}`,
    `clientPortAddress=${node.address}`,
    // srvr for roles, envi for the Java version, mntr and stat for people reading a run.
    '4lw.commands.whitelist=*',
    'admin.enableServer=true',
    `admin.serverAddress=${node.address}`,
    `admin.serverPort=${ADMIN_PORT}`,
    'reconfigEnabled=false',
    'standaloneEnabled=false',
    ...servers,
    '',
  ].join('\n');
}

/** Writes zoo.cfg and myid for the node, on the machine it runs on (through writeFile when given); returns the path of zoo.cfg. */
export async function writeNodeConfig(nodes: readonly RealNodeInfo[], node: RealNodeInfo, timing: ZooKeeperTiming, writeFile?: NodeFileWriter): Promise<string> {
  const directory = zookeeperDirectory(node);
  const write: NodeFileWriter =
    writeFile ??
    (async (_node, file, contents) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, contents);
    });
  await write(node.name, path.join(directory, 'data', 'myid'), `${myId(nodes, node)}\n`);
  const configFile = path.join(directory, 'zoo.cfg');
  await write(node.name, configFile, zooConfig(nodes, node, timing));
  return configFile;
}

export function classPath(install: ZooKeeperInstall): string {
  if (install.installDirectory === undefined) return DEBIAN_JARS.join(':');
  // Java expands `dir/*` to every jar in dir; the conf directory holds a release's logback or log4j settings.
  return [path.join(install.installDirectory, 'lib', '*'), path.join(install.installDirectory, 'conf')].join(':');
}

/** The java command line of one node; `extraEnv` is added (e.g. libfaketime's variables). */
export function nodeProcessSpec(configFile: string, install: ZooKeeperInstall, extraEnv: Record<string, string> = {}): NodeProcessSpec {
  return {
    command: install.java ?? 'java',
    args: [...JVM_OPTIONS, ...LOG_OPTIONS, '-cp', classPath(install), MAIN_CLASS, configFile],
    env: { ...extraEnv },
  };
}
