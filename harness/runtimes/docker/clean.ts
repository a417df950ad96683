/**
 * `faultline clean` for docker: containers and networks labelled as
 * faultline's, except those whose faultline process still lives.
 */
import type Docker from 'dockerode';
import { LABEL_OWNER, LABEL_OWNER_PID, LABEL_OWNER_START } from '../real/names.js';
import { ownerAlive } from '../real/owner.js';
import { removeContainer } from './containers.js';
import { tryConnect } from './engine.js';
import { removeNetwork } from './network.js';

const MAX_ITEMS = 10_000;

function ownedByLiveRun(labels: Record<string, string> | undefined): boolean {
  const pid = Number(labels?.[LABEL_OWNER_PID]);
  return ownerAlive({ pid, startTime: labels?.[LABEL_OWNER_START] ?? '' });
}

export async function cleanDocker(dryRun: boolean): Promise<string[]> {
  const docker: Docker | undefined = await tryConnect();
  if (docker === undefined) return [];
  const removed: string[] = [];
  const filters = JSON.stringify({ label: [`${LABEL_OWNER}=true`] });
  const containers = (await docker.listContainers({ all: true, filters })).slice(0, MAX_ITEMS);
  for (const container of containers) {
    if (ownedByLiveRun(container.Labels)) continue;
    removed.push(`docker container ${container.Names[0]?.replace(/^\//, '') ?? container.Id} (${container.State})`);
    if (!dryRun) await removeContainer(docker.getContainer(container.Id));
  }
  const networks = (await docker.listNetworks({ filters })).slice(0, MAX_ITEMS);
  for (const network of networks) {
    if (ownedByLiveRun(network.Labels)) continue;
    removed.push(`docker network ${network.Name}`);
    if (!dryRun) await removeNetwork(docker.getNetwork(network.Id));
  }
  return removed;
}
