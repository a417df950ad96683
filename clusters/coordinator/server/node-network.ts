/**
 * A node's side of the TCP network: one listening port for peers and clients
 * alike, and one outgoing connection per peer, dialled at start and dialled
 * again with backoff whenever it drops. Best effort, like the simulated
 * network: a message to a peer that is not connected, or whose connection
 * is congested, is dropped; a message to anyone else (a client) goes back
 * over the connection that named itself with that address.
 */
import net from 'node:net';
import type { Address, Message } from '../world.js';
import { FramedConnection } from './connection.js';
import { parseHostPort } from './host-port.js';

export interface NodeNetworkOptions {
  self: Address;
  /** Every member's "host:port", self included. */
  members: Record<Address, string>;
  port: number;
  onMessage(from: Address, message: Message): void;
  log(line: string): void;
}

/** A peer that has not answered a dial by then is dialled again later. */
const CONNECT_TIMEOUT_MS = 1000;

interface PeerLink {
  address: Address;
  host: string;
  port: number;
  connection: FramedConnection | null;
  retryTimer: NodeJS.Timeout | null;
  backoffMs: number;
}

const FIRST_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 500;
/** Connections from clients and peers this node holds at most; more are refused. */
const MAX_INBOUND_CONNECTIONS = 4096;

export class NodeNetwork {
  private readonly server: net.Server;
  private readonly peers = new Map<Address, PeerLink>();
  /** The latest connection that named itself with each address. */
  private readonly inbound = new Map<Address, FramedConnection>();
  private readonly sockets = new Set<net.Socket>();
  private stopped = false;

  constructor(private readonly options: NodeNetworkOptions) {
    for (const [address, hostPort] of Object.entries(options.members)) {
      if (address === options.self) continue;
      const { host, port } = parseHostPort(hostPort);
      this.peers.set(address, { address, host, port, connection: null, retryTimer: null, backoffMs: FIRST_BACKOFF_MS });
    }
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = MAX_INBOUND_CONNECTIONS;
  }

  /** Listens, then starts dialling the peers. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    for (const peer of this.peers.values()) this.dial(peer);
  }

  send(to: Address, message: Message): void {
    const peer = this.peers.get(to);
    const connection = peer?.connection ?? this.inbound.get(to) ?? null;
    // A message with no connection, or a congested one, is lost, as the network may lose any message.
    connection?.send(message);
  }

  /** Closes the listener and every connection; no more dialling. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const peer of this.peers.values()) if (peer.retryTimer !== null) clearTimeout(peer.retryTimer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    if (this.stopped) return void socket.destroy();
    this.track(socket);
    const connection: FramedConnection = new FramedConnection(socket, {
      onHello: (from) => this.welcome(from, connection),
      onMessage: (from, message) => this.options.onMessage(from, message),
      onClose: () => {
        const from = connection.remote;
        if (from !== null && this.inbound.get(from) === connection) this.inbound.delete(from);
      },
      log: this.options.log,
    });
  }

  /**
   * A peer dials again only when its connection to us ended, most often
   * because it restarted. Our connection to it may then be dead without
   * knowing it (a vanished address sends no reset, and retransmissions back
   * off for seconds): dial it afresh rather than wait.
   */
  private welcome(from: Address, connection: FramedConnection): void {
    const previous = this.inbound.get(from);
    this.inbound.set(from, connection);
    const peer = this.peers.get(from);
    if (previous === undefined || peer === undefined || peer.connection === null) return;
    this.options.log(`${from} connected again: dialling it afresh`);
    peer.backoffMs = FIRST_BACKOFF_MS;
    peer.connection.close();
  }

  private dial(peer: PeerLink): void {
    if (this.stopped) return;
    peer.retryTimer = null;
    const socket = net.connect({ host: peer.host, port: peer.port });
    this.track(socket);
    const connectTimer = setTimeout(() => socket.destroy(), CONNECT_TIMEOUT_MS);
    const connection = new FramedConnection(socket, {
      remote: peer.address,
      onMessage: (from, message) => this.options.onMessage(from, message),
      onClose: () => {
        clearTimeout(connectTimer);
        if (peer.connection === connection) peer.connection = null;
        this.scheduleDial(peer);
      },
      log: () => {},
    });
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      connection.sendHello(this.options.self);
      peer.connection = connection;
      peer.backoffMs = FIRST_BACKOFF_MS;
      this.options.log(`connected to ${peer.address} at ${peer.host}:${peer.port}`);
    });
  }

  private scheduleDial(peer: PeerLink): void {
    if (this.stopped || peer.retryTimer !== null) return;
    peer.retryTimer = setTimeout(() => this.dial(peer), peer.backoffMs);
    peer.backoffMs = Math.min(MAX_BACKOFF_MS, peer.backoffMs * 2);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
