/**
 * etcd's HTTP endpoints on the client port, each asked with a deadline (a
 * paused or cut-off member must not hold up a probe of the others):
 *   POST /v3/maintenance/status  the member's id, the leader it sees ("0":
 *                                none), raft term and index
 *   GET  /version                etcd's version
 *   GET  /metrics                go_info{version="go1.19.8"}: Go's version
 */
import { httpText } from '../real-support/index.js';

export interface MemberStatus {
  memberId: string;
  /** The leader's member id as this member sees it; "0" when it sees none. */
  leaderId: string;
  term: number;
  raftIndex: number;
  /** The key-value store's revision: equal on members that applied the same writes. */
  revision: number;
  version: string;
}

export async function memberStatus(clientUrl: string, timeoutMs: number): Promise<MemberStatus> {
  const status = JSON.parse(await httpText(`${clientUrl}/v3/maintenance/status`, 'POST', '{}', timeoutMs)) as {
    header?: { member_id?: string; revision?: string };
    leader?: string;
    raftTerm?: string;
    raftIndex?: string;
    version?: string;
  };
  if (status.header?.member_id === undefined) throw new Error(`${clientUrl}: status without a member id`);
  return {
    memberId: status.header.member_id,
    leaderId: status.leader ?? '0',
    term: Number(status.raftTerm ?? 0),
    raftIndex: Number(status.raftIndex ?? 0),
    revision: Number(status.header.revision ?? 0),
    version: status.version ?? 'unknown',
  };
}

/** leader when it names itself, follower when it sees a leader, candidate when it sees none. */
export function roleOf(status: MemberStatus): 'leader' | 'follower' | 'candidate' {
  if (status.leaderId === '0') return 'candidate';
  return status.leaderId === status.memberId ? 'leader' : 'follower';
}

export async function etcdVersion(clientUrl: string, timeoutMs: number): Promise<string> {
  const version = JSON.parse(await httpText(`${clientUrl}/version`, 'GET', undefined, timeoutMs)) as { etcdserver?: string };
  return version.etcdserver ?? 'unknown';
}

export async function goVersion(clientUrl: string, timeoutMs: number): Promise<string> {
  const metrics = await httpText(`${clientUrl}/metrics`, 'GET', undefined, timeoutMs);
  return /^go_info\{version="([^"]+)"\}/m.exec(metrics)?.[1] ?? 'unknown';
}
