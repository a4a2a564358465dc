// The UDP listening sockets of a layer, and which one sends to a peer: one of the destination's
// family; when several, the one that last heard from that peer (so that a response leaves from
// the address the request reached, RFC 3261 §18.2.2), else the first.
import { isWildcard, normalizeAddress, toMapped } from './addresses.js';
import { describeEndpoint, TransportError } from './errors.js';
import type { Endpoint } from './types.js';
import type { UdpListener } from './udp-listener.js';

/** Peers remembered; the table is cleared when full (it is only a preference). */
const MAX_ROUTES = 65_536;

export class UdpSockets {
  readonly listeners: UdpListener[] = [];
  private readonly routes = new Map<string, UdpListener>();

  add(l: UdpListener): void {
    this.listeners.push(l);
  }

  /** Removes and returns the listener bound to `ep`, if any. */
  remove(ep: Endpoint): UdpListener | undefined {
    const i = this.listeners.findIndex((l) => l.endpoint.port === ep.port && l.endpoint.address === normalizeAddress(ep.address));
    if (i < 0) return undefined;
    const [l] = this.listeners.splice(i, 1);
    for (const [k, v] of this.routes) if (v === l) this.routes.delete(k);
    return l;
  }

  removeAll(): UdpListener[] {
    this.routes.clear();
    return this.listeners.splice(0);
  }

  /** Called per datagram: cheap when there is a single socket. */
  heard(address: string, listener: UdpListener): void {
    if (this.listeners.length < 2 || this.routes.get(address) === listener) return;
    if (this.routes.size >= MAX_ROUTES) this.routes.clear();
    this.routes.set(address, listener);
  }

  send(dest: Endpoint, data: Buffer): Promise<void> {
    const address = normalizeAddress(dest.address);
    const v6 = address.includes(':');
    let listener: UdpListener | undefined;
    let candidates = 0;
    for (const l of this.listeners) {
      if ((l.family === 6) !== v6) continue;
      candidates++;
      listener ??= l;
    }
    if (candidates > 1) listener = this.routes.get(address) ?? listener;
    if (listener) return listener.send(address, dest.port, data);
    if (!v6) {
      // An IPv4 peer and only a dual-stack "::" socket: send to the IPv4-mapped address.
      const dual = this.listeners.find((l) => l.family === 6 && isWildcard(l.endpoint.address));
      if (dual) return dual.send(toMapped(address), dest.port, data);
    }
    return Promise.reject(new TransportError('NO_TRANSPORT',
      `cannot send to ${describeEndpoint(dest)}: no UDP listener of that address family`));
  }
}
