/**
 * The harness process's side of the TCP network: the CoordinatorClients it
 * hosts, each at its own address, each reaching a server over a connection
 * of its own that it opens on first use (the hello names the client, so the
 * server's replies come back on it). A message sent while the connection is
 * being made waits for it (bounded); when a connection fails or closes, the
 * client hears `server.reset` for every logical connection it had there, as
 * from a server that reset it, and fails over as it always does: what it had
 * sent becomes info, nothing is retried.
 */
import net from 'node:net';
import type { Address, Endpoint, Message } from '../world.js';
import { FramedConnection } from './connection.js';
import { parseHostPort } from './host-port.js';

export interface HostedClient extends Endpoint {
  readonly state: string;
  readonly server: Address | null;
}

interface ClientLink {
  connection: FramedConnection;
  connected: boolean;
  waiting: Message[];
  /** Logical connection ids the client opened over this link. */
  connectionIds: Set<number>;
  lastUsedMs: number;
}

interface ClientEntry {
  endpoint: HostedClient;
  links: Map<Address, ClientLink>;
}

const MAX_WAITING_MESSAGES = 1000;
/** A link to a server the client has left is closed after this long unused. */
const IDLE_LINK_MS = 5000;
const SWEEP_INTERVAL_MS = 1000;

export class ClientNetwork {
  private readonly servers = new Map<Address, { host: string; port: number }>();
  private readonly clients = new Map<Address, ClientEntry>();
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(servers: Record<Address, string>, private readonly options: { connectTimeoutMs: number; log: (line: string) => void }) {
    for (const [name, hostPort] of Object.entries(servers)) this.servers.set(name, parseHostPort(hostPort, 'servers'));
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  register(address: Address, endpoint: HostedClient): void {
    this.clients.set(address, { endpoint, links: new Map() });
  }

  send(from: Address, to: Address, message: Message): void {
    const entry = this.clients.get(from);
    if (entry === undefined || this.closed || !this.servers.has(to)) return;
    let link = entry.links.get(to);
    if (link === undefined || !link.connection.isOpen) link = this.open(from, entry, to);
    link.lastUsedMs = performance.now();
    if (message.type === 'client.connect' && typeof message.connectionId === 'number') link.connectionIds.add(message.connectionId);
    if (link.connected) link.connection.send(message);
    else if (link.waiting.length < MAX_WAITING_MESSAGES) link.waiting.push(message);
  }

  /** Closes every connection and stops the sweeper; clients hear nothing more. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const entry of this.clients.values()) for (const link of entry.links.values()) link.connection.close();
    this.clients.clear();
  }

  private open(from: Address, entry: ClientEntry, to: Address): ClientLink {
    const { host, port } = this.servers.get(to)!;
    const socket = net.connect({ host, port });
    const connectTimer = setTimeout(() => socket.destroy(), this.options.connectTimeoutMs);
    const link: ClientLink = {
      connection: new FramedConnection(socket, {
        remote: to,
        onMessage: (server, message) => entry.endpoint.receive(server, message),
        onClose: () => {
          clearTimeout(connectTimer);
          if (entry.links.get(to) === link) entry.links.delete(to);
          this.reset(entry, to, link);
        },
        log: this.options.log,
      }),
      connected: false,
      waiting: [],
      connectionIds: new Set(),
      lastUsedMs: performance.now(),
    };
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      link.connected = true;
      link.connection.sendHello(from);
      for (const message of link.waiting) link.connection.send(message);
      link.waiting = [];
    });
    entry.links.set(to, link);
    return link;
  }

  private reset(entry: ClientEntry, server: Address, link: ClientLink): void {
    if (this.closed) return;
    for (const connectionId of link.connectionIds) {
      entry.endpoint.receive(server, { type: 'server.reset', connectionId, seq: 0 });
    }
  }

  private sweep(): void {
    const nowMs = performance.now();
    for (const [address, entry] of this.clients) {
      if (entry.endpoint.state === 'closed') {
        for (const link of entry.links.values()) link.connection.close();
        this.clients.delete(address);
        continue;
      }
      for (const [server, link] of entry.links) {
        if (server !== entry.endpoint.server && nowMs - link.lastUsedMs > IDLE_LINK_MS) link.connection.close();
      }
    }
  }
}
