/**
 * A run's docker network: a user-defined bridge with a /24 of its own, picked
 * so it overlaps no other docker network and no host route; a race with a
 * concurrent run that takes the same /24 first just moves on to the next.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../../common/errors.js';
import { resourceName, runHash } from '../real/names.js';
import { hostPrefixes, pickSubnet, type Subnet } from '../real/subnets.js';
import type { UndoStack } from '../real/undo-stack.js';
import { statusOf } from './engine.js';

const DOCKER_SECOND_OCTET = 201;
const CREATE_ATTEMPTS = 5;

export interface DockerNetwork {
  name: string;
  subnet: Subnet;
}

async function dockerSubnets(docker: Docker): Promise<string[]> {
  const networks = await docker.listNetworks();
  return networks.flatMap((network) => (network.IPAM?.Config ?? []).map((config) => config.Subnet ?? '')).filter((subnet) => subnet !== '');
}

/** Removes a network; one already gone is fine. */
export async function removeNetwork(network: Docker.Network): Promise<void> {
  try {
    await network.remove();
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

export async function createDockerNetwork(docker: Docker, runId: string, labels: Record<string, string>, undo: UndoStack): Promise<DockerNetwork> {
  const name = resourceName(runId);
  const avoid = new Set<string>();
  undo.push(`remove docker network ${name}`, () => removeNetwork(docker.getNetwork(name)));
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    const subnet = pickSubnet(DOCKER_SECOND_OCTET, runHash(runId), [...(await hostPrefixes()), ...(await dockerSubnets(docker))], avoid);
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet.cidr, Gateway: `${subnet.prefix}.1` }] },
      });
      return { name, subnet };
    } catch (error) {
      if (!/overlap/i.test(error instanceof Error ? error.message : String(error))) throw error;
      avoid.add(subnet.cidr);
    }
  }
  throw new FaultlineError('E_INFRASTRUCTURE', `could not create docker network ${name}: every subnet tried was taken meanwhile`);
}
