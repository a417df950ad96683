/**
 * The bundled coordinator inside the deterministic simulator: N real nodes
 * (service + ZAB or Raft engine, with any bug modes on) booted into one
 * Simulation, the consensus and state-machine invariants checked after
 * every step, clients added as simulated hosts, and the wait at the end of
 * a run until every replica holds the same state (the runtime heals the
 * faults).
 *
 * The simulator is the sim runtime's (it owns virtual time, the network
 * and the trace); this adds the coordinator's hosts to it. The coordinator's
 * System (../system.ts) builds on this, and so do the simulator's tests.
 */
import assert from 'node:assert/strict';
import type { SimulatedHosts } from '../../../harness/runtimes/index.js';
import { CoordinatorClient, type ClientOptions } from '../client/client.js';
import type { EngineKind } from '../engine.js';
import type { EngineTuning } from '../engines/index.js';
import { createCoordinatorNode, type CoordinatorNode, type CoordinatorTiming } from '../node.js';
import type { Address, World } from '../world.js';
import { ConsensusInvariants } from './invariants.js';
import { checkServiceInvariants } from './service-invariants.js';

export interface CoordinatorClusterOptions<S extends SimulatedHosts> {
  /** The simulator the runtime booted; the cluster adds its nodes and clients to it. */
  simulation: S;
  engine: EngineKind;
  /** Voting members, n1..nN. */
  nodes?: number;
  /** Bug modes (clusters/coordinator/bugs.ts) switched on in every node. */
  bugs?: readonly string[];
  timing?: Partial<CoordinatorTiming>;
  engineTuning?: EngineTuning;
}

/** What a client host is given beyond its World. */
export type ClientSettings = Omit<ClientOptions, 'self' | 'servers' | 'transport' | 'clock' | 'random'>;

export class CoordinatorCluster<S extends SimulatedHosts = SimulatedHosts> {
  readonly simulation: S;
  readonly invariants = new ConsensusInvariants();
  readonly members: readonly Address[];
  readonly engineKind: EngineKind;
  readonly bugs: readonly string[];
  private readonly clients = new Map<Address, CoordinatorClient>();

  constructor(options: CoordinatorClusterOptions<S>) {
    const nodeCount = options.nodes ?? 3;
    assert.ok(Number.isInteger(nodeCount) && nodeCount >= 1, `a cluster needs at least one node, got ${nodeCount}`);
    this.engineKind = options.engine;
    this.bugs = [...(options.bugs ?? [])];
    this.simulation = options.simulation;
    this.members = Array.from({ length: nodeCount }, (_, index) => `n${index + 1}`);
    for (const address of this.members) {
      this.simulation.addNode(address, (world) =>
        createCoordinatorNode({
          world,
          engineKind: options.engine,
          members: [...this.members],
          bugs: this.bugs,
          ...(options.timing === undefined ? {} : { timing: options.timing }),
          ...(options.engineTuning === undefined ? {} : { engineTuning: options.engineTuning }),
        }),
      );
    }
    this.simulation.addStepChecks((endpoint, address) => {
      const node = endpoint as CoordinatorNode;
      this.invariants.checkEngine(node.engine);
      this.invariants.checkApplied(address, node, node.drainAppliedAhead());
      checkServiceInvariants(address, node);
    });
  }

  /** The node running on a member now; null while it is crashed. */
  node(address: Address): CoordinatorNode | null {
    return this.simulation.endpoint(address) as CoordinatorNode | null;
  }

  /** The leader of the highest epoch among running nodes, if any. */
  leader(): Address | null {
    let leader: Address | null = null;
    let epoch = -1;
    for (const address of this.members) {
      const node = this.node(address);
      if (node === null || this.simulation.state(address) !== 'running') continue;
      const status = node.status();
      if (status.role === 'leader' && status.epoch > epoch) [leader, epoch] = [address, status.epoch];
    }
    return leader;
  }

  /** Adds a client host; its CoordinatorClient is made in the host's World (a client never crashes). */
  addClient(address: Address, settings: ClientSettings = {}, onBoot?: (client: CoordinatorClient, world: World) => void): void {
    this.simulation.addClient(address, (world) => {
      const client = new CoordinatorClient({
        ...settings,
        self: world.self,
        servers: this.members,
        transport: world.transport,
        clock: world.clock,
        random: world.random,
        log: (line) => world.log(line),
      });
      this.clients.set(address, client);
      onBoot?.(client, world);
      return client;
    });
  }

  client(address: Address): CoordinatorClient {
    const client = this.clients.get(address);
    if (client === undefined) assert.fail(`no client ${address} in the cluster`);
    return client;
  }

  /**
   * Runs until one leader leads every node and all of them applied the same
   * state (same position, same digest), or timeoutMs pass; says which.
   */
  awaitConvergence(timeoutMs: number): boolean {
    return this.simulation.runUntil(() => this.converged(), timeoutMs);
  }

  /** Every node's applied position and digest, for a failure message. */
  describeReplicas(): string {
    return this.members
      .map((address) => {
        const node = this.node(address);
        if (node === null) return `${address}: crashed`;
        const status = node.status();
        const service = node.service();
        return `${address}: ${status.role} epoch ${status.epoch} commit ${status.commitPosition} applied ${service.appliedPosition} ${service.digest}`;
      })
      .join('; ');
  }

  converged(): boolean {
    const leader = this.leader();
    if (leader === null) return false;
    const leaderStatus = (this.node(leader) as CoordinatorNode).status();
    if (leaderStatus.commitPosition !== leaderStatus.lastPosition) return false;
    const nodes = this.members.map((address) => this.node(address));
    for (const node of nodes) {
      if (node === null) return false;
      const status = node.status();
      if (status.leader !== leader || status.commitPosition !== leaderStatus.commitPosition) return false;
    }
    // A digest costs a snapshot, so replicas are compared only once their positions agree.
    const services = nodes.map((node) => (node as CoordinatorNode).service());
    if (!services.every((service) => service.appliedPosition === leaderStatus.commitPosition)) return false;
    const digest = (services[0] as (typeof services)[number]).digest;
    return services.every((service) => service.digest === digest);
  }
}
