// Open TCP/TLS connections, by id and by remote endpoint (RFC 3261 §18.2.2: a response goes
// back over the connection the request came on; §18.1.1: reuse an open connection to a peer).
import { endpointKey } from './addresses.js';
import type { StreamConnection } from './stream-connection.js';
import type { TransportProtocol } from './types.js';

export class ConnectionTable {
  private readonly byId = new Map<string, StreamConnection>();
  private readonly byRemote = new Map<string, StreamConnection>();

  get size(): number {
    return this.byId.size;
  }

  add(c: StreamConnection): void {
    const { connectionId, remote } = c.info;
    this.byId.set(connectionId, c);
    // The newest connection to a remote endpoint is the one reused.
    this.byRemote.set(endpointKey(remote.protocol, remote.address, remote.port), c);
  }

  remove(c: StreamConnection): void {
    const { connectionId, remote } = c.info;
    this.byId.delete(connectionId);
    const key = endpointKey(remote.protocol, remote.address, remote.port);
    if (this.byRemote.get(key) === c) this.byRemote.delete(key);
  }

  get(connectionId: string): StreamConnection | undefined {
    return this.byId.get(connectionId);
  }

  find(protocol: TransportProtocol, address: string, port: number): StreamConnection | undefined {
    return this.byRemote.get(endpointKey(protocol, address, port));
  }

  all(): StreamConnection[] {
    return [...this.byId.values()];
  }
}
