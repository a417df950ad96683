/**
 * Names shared by the real runtimes and `faultline clean`: everything
 * faultline creates on the host carries one of these prefixes or labels, so a
 * killed run's leftovers can be found again without any state of its own.
 */
import { createHash } from 'node:crypto';
import { FaultlineError } from '../../../common/errors.js';

/** Docker labels on every container and network of a run. */
export const LABEL_OWNER = 'dev.faultline.owner';
export const LABEL_RUN = 'dev.faultline.run';
export const LABEL_OWNER_PID = 'dev.faultline.owner-pid';
export const LABEL_OWNER_START = 'dev.faultline.owner-start';

/** Prefix of containers, docker networks and network namespaces. */
export const RESOURCE_PREFIX = 'faultline-';
/** Prefix of interfaces (bridges, veths): "flt" + 6 hex digits of the run id's hash + "-...". */
export const INTERFACE_PATTERN = /^flt[0-9a-f]{6}[-p]/;
/** The iptables chain (filter table, INPUT) that holds a node's partition rules. */
export const PARTITION_CHAIN = 'FAULTLINE';
/** The comment on FORWARD rules the local runtime adds. */
export const FORWARD_COMMENT_PREFIX = 'faultline:';

const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/;

/** The run id as used in resource names; rejects what docker and ip cannot name. */
export function checkedRunId(runId: string): string {
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new FaultlineError('E_USAGE', `run id ${JSON.stringify(runId)} cannot name containers or namespaces`, {
      hint: 'use letters, digits, ".", "_" and "-" (at most 101 characters), starting with a letter or digit',
    });
  }
  return runId;
}

/** Six hex digits that stand for the run in interface names (which hold at most 15 characters). */
export function runHash(runId: string): string {
  return createHash('sha256').update(runId).digest('hex').slice(0, 6);
}

export function resourceName(runId: string, node?: string): string {
  return node === undefined ? `${RESOURCE_PREFIX}${runId}` : `${RESOURCE_PREFIX}${runId}-${node}`;
}
