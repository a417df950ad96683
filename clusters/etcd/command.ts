/**
 * The etcd command line of one node: every member in --initial-cluster, the
 * node's own data directory, client and peer URLs on the node's address.
 * Heartbeat 100 ms and election 1000 ms are etcd's defaults, written out so
 * a run's config says them; --pre-vote is off by default in 3.4, and then a
 * partitioned node that comes back forces an election (1.3-3.75 s without a
 * leader on some nodes, measured): on, as in etcd 3.5.
 * On a restart the same command line is fine: etcd ignores the --initial-*
 * flags once its data directory holds a member.
 */
import path from 'node:path';
import type { NodeProcessSpec, RealNodeInfo } from '../../harness/runtimes/real/index.js';

export const CLIENT_PORT = 2379;
export const PEER_PORT = 2380;

export interface EtcdInstall {
  /** The etcd executable; default `etcd` from PATH (Debian's etcd-server). */
  binary?: string;
}

export interface EtcdTiming {
  heartbeatMs: number;
  electionMs: number;
}

export const DEFAULT_TIMING: EtcdTiming = { heartbeatMs: 100, electionMs: 1_000 };

export function clientUrl(node: RealNodeInfo): string {
  return `http://${node.address}:${CLIENT_PORT}`;
}

export function peerUrl(node: RealNodeInfo): string {
  return `http://${node.address}:${PEER_PORT}`;
}

export function etcdDataDirectory(node: RealNodeInfo): string {
  return path.join(node.dataDirectory, 'etcd');
}

/** `clusterToken` keeps members of different runs from ever joining each other. */
export function etcdProcessSpec(nodes: readonly RealNodeInfo[], node: RealNodeInfo, clusterToken: string, install: EtcdInstall, timing: EtcdTiming): NodeProcessSpec {
  return {
    command: install.binary ?? 'etcd',
    args: [
      `--name=${node.name}`,
      `--data-dir=${etcdDataDirectory(node)}`,
      `--listen-client-urls=${clientUrl(node)}`,
      `--advertise-client-urls=${clientUrl(node)}`,
      `--listen-peer-urls=${peerUrl(node)}`,
      `--initial-advertise-peer-urls=${peerUrl(node)}`,
      `--initial-cluster=${nodes.map((member) => `${member.name}=${peerUrl(member)}`).join(',')}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${clusterToken}`,
      `--heartbeat-interval=${timing.heartbeatMs}`,
      `--election-timeout=${timing.electionMs}`,
      '--pre-vote=true',
      '--logger=zap',
      '--log-outputs=stderr',
    ],
  };
}
