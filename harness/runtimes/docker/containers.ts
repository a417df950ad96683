/**
 * One container per node: a stable name (faultline-<run>-<node>), hostname =
 * node name, faultline's labels, NET_ADMIN, a fixed address, the node's data
 * directory at the same path as on the host. Its main process is
 * `sleep infinity`; node processes are started later with docker exec (see
 * cluster.ts for why).
 */
import type Docker from 'dockerode';
import { resourceName } from '../real/names.js';
import { installPartitionChain, type NamespacedNode } from '../real/network-faults.js';
import type { UndoStack } from '../real/undo-stack.js';
import { statusOf } from './engine.js';

export const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ContainerPlan {
  runId: string;
  node: string;
  address: string;
  image: string;
  networkName: string;
  dataDirectory: string;
  binds: string[];
  labels: Record<string, string>;
}

export interface NodeContainer extends NamespacedNode {
  container: Docker.Container;
  /** The container's main process as the host sees it (for /proc and nsenter). */
  initPid: number;
}

export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

export async function createNodeContainer(docker: Docker, plan: ContainerPlan, undo: UndoStack): Promise<NodeContainer> {
  const name = resourceName(plan.runId, plan.node);
  undo.push(`remove container ${name}`, () => removeContainer(docker.getContainer(name)));
  const container = await docker.createContainer({
    name,
    Hostname: plan.node,
    Image: plan.image,
    Cmd: ['/usr/bin/sleep', 'infinity'],
    Env: [`PATH=${CONTAINER_PATH}`],
    Labels: plan.labels,
    HostConfig: {
      NetworkMode: plan.networkName,
      CapAdd: ['NET_ADMIN'],
      Binds: [...plan.binds, `${plan.dataDirectory}:${plan.dataDirectory}`],
    },
    NetworkingConfig: { EndpointsConfig: { [plan.networkName]: { IPAMConfig: { IPv4Address: plan.address } } } },
  });
  await container.start();
  const initPid = (await container.inspect()).State.Pid;
  const node = { name: plan.node, address: plan.address, netnsPath: `/proc/${initPid}/ns/net`, container, initPid };
  await installPartitionChain(node);
  return node;
}
