/**
 * ZooKeeper's sync for node-zookeeper-client, which lacks it. The request is
 * the wire's SyncRequest (op code 9, one ustring: the path), queued in the
 * client's own packet queue so it keeps its place in the session's order.
 * The library parses replies by the request header's `type`, and has no case
 * for sync (it would drop the connection), so the header reports DELETE (a
 * reply without a body, which is what we want: sync's reply only echoes the
 * path) while it writes SYNC on the wire. The sync tests check that a server
 * answers it and the connection stays up.
 */
import zookeeper from 'node-zookeeper-client';

const OP_SYNC = 9;
/** The library's code for a reply it reads without a body. */
const OP_DELETE = 2;

interface QueuedRequest {
  header: { xid: number; type: number; byteLength(): number; serialize(buffer: Buffer, offset: number): number };
  payload: { byteLength(): number; serialize(buffer: Buffer, offset: number): number; setChrootPath(path: string): void };
  toBuffer(): Buffer;
}

interface ConnectionManager {
  queue(request: QueuedRequest, callback: (error: zookeeper.Exception | null) => void): void;
}

function syncPacket(path: string): QueuedRequest {
  const pathBytes = Buffer.from(path, 'utf8');
  const header = {
    xid: 0,
    type: OP_DELETE,
    byteLength: () => 8,
    serialize(buffer: Buffer, offset: number): number {
      buffer.writeInt32BE(header.xid, offset);
      buffer.writeInt32BE(OP_SYNC, offset + 4);
      return 8;
    },
  };
  const payload = {
    byteLength: () => 4 + pathBytes.length,
    serialize(buffer: Buffer, offset: number): number {
      buffer.writeInt32BE(pathBytes.length, offset);
      pathBytes.copy(buffer, offset + 4);
      return 4 + pathBytes.length;
    },
    setChrootPath: () => undefined,
  };
  return {
    header,
    payload,
    toBuffer(): Buffer {
      const size = header.byteLength() + payload.byteLength();
      const buffer = Buffer.alloc(4 + size);
      buffer.writeInt32BE(size, 0);
      header.serialize(buffer, 4);
      payload.serialize(buffer, 12);
      return buffer;
    },
  };
}

/** Queues a sync of `path`; the callback gets null once the server has caught up, or the library's error. */
export function syncRequest(client: zookeeper.Client, path: string, callback: (error: zookeeper.Exception | null) => void): void {
  const manager = (client as unknown as { connectionManager: ConnectionManager }).connectionManager;
  manager.queue(syncPacket(path), (error) => callback(error ?? null));
}
