/**
 * etcd's HTTP endpoints on the client port, each asked with a deadline (a
 * paused or cut-off member must not hold up a probe of the others):
 *   GET  /debug/vars             raft.status: the member's raft state, its
 *                                current term, the leader it sees
 *   POST /v3/maintenance/status  the key-value revision (for convergence)
 *   GET  /version                etcd's version
 *   GET  /metrics                go_info{version="go1.19.8"}: Go's version
 * Roles and terms come from raft.status, not from the maintenance status:
 * the latter's term is that of the last applied entry, so a member just
 * elected reports itself leader under the term before (seen in a run: two
 * leaders "in one term" that were not).
 */
import { httpText } from '../real-support/index.js';

export interface RaftStatus {
  memberId: string;
  /** The leader's member id as this member sees it; "0" when it sees none. */
  leaderId: string;
  /** The member's current term (raft's hard state). */
  term: number;
  commitIndex: number;
  role: 'leader' | 'follower' | 'candidate';
}

const ROLES: Record<string, RaftStatus['role']> = { StateLeader: 'leader', StateFollower: 'follower', StateCandidate: 'candidate', StatePreCandidate: 'candidate' };

/** Reads raft.status out of expvar's /debug/vars. */
export function parseRaftStatus(text: string): RaftStatus {
  const status = (JSON.parse(text) as { 'raft.status'?: { id?: string; term?: number; lead?: string; commit?: number; raftState?: string } })['raft.status'];
  const role = ROLES[status?.raftState ?? ''];
  if (status?.id === undefined || role === undefined) throw new Error(`no raft.status in /debug/vars: ${text.slice(0, 200)}`);
  return { memberId: status.id, leaderId: status.lead ?? '0', term: Number(status.term ?? 0), commitIndex: Number(status.commit ?? 0), role };
}

export async function raftStatus(clientUrl: string, timeoutMs: number): Promise<RaftStatus> {
  return parseRaftStatus(await httpText(`${clientUrl}/debug/vars`, 'GET', undefined, timeoutMs));
}

/** The member's key-value revision: equal on members that applied the same writes. */
export async function revision(clientUrl: string, timeoutMs: number): Promise<number> {
  const status = JSON.parse(await httpText(`${clientUrl}/v3/maintenance/status`, 'POST', '{}', timeoutMs)) as { header?: { revision?: string } };
  if (status.header?.revision === undefined) throw new Error(`${clientUrl}: status without a revision`);
  return Number(status.header.revision);
}

export async function etcdVersion(clientUrl: string, timeoutMs: number): Promise<string> {
  const version = JSON.parse(await httpText(`${clientUrl}/version`, 'GET', undefined, timeoutMs)) as { etcdserver?: string };
  return version.etcdserver ?? 'unknown';
}

export async function goVersion(clientUrl: string, timeoutMs: number): Promise<string> {
  const metrics = await httpText(`${clientUrl}/metrics`, 'GET', undefined, timeoutMs);
  return /^go_info\{version="([^"]+)"\}/m.exec(metrics)?.[1] ?? 'unknown';
}
