// The one way OpenUM opens SIP toward a gateway (MWI NOTIFYs, Play on Phone calls, later
// anything else outbound): resolve the gateway (an IP, or an FQDN looked up in the family it is
// set to use), connect over UDP, TCP or TLS, and for TLS check before anything is sent that the
// gateway's certificate chains to the trust list and names the FQDN we dialled (RFC 5922 §7.2:
// the connection is to the domain we meant, not to whoever answered). Then send and wait.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { NextHop } from '../../sip/dialog/dialog.js';
import type { SipRequest, SipResponse } from '../../sip/message/types.js';
import type { TransactionLayer } from '../../sip/transaction/transaction-layer.js';
import type { TransportLayer } from '../../sip/transport/transport-layer.js';
import type { Endpoint, TransportProtocol } from '../../sip/transport/types.js';
import { nameMatches, type PeerVerifier } from './peer-verifier.js';
import { mediaAddressFor } from './media-address.js';

export interface OutboundStack {
  layer: TransactionLayer;
  transport: TransportLayer;
  /** Checks a TLS gateway's certificate against the trust list (RFC 5922 §7). */
  verifier: PeerVerifier;
}

export interface OutboundTarget {
  /** IP address or FQDN of the gateway. */
  address: string;
  port: number;
  protocol: TransportProtocol;
  ipAddressFamily?: 'IPv4Only' | 'IPv6Only' | 'Any' | string;
}

/** The gateway could not be reached or was not the one we meant (its TLS certificate failed the checks). */
export class OutboundError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundError';
  }
}

/** A connected next hop, and our address on it (for Via and the SDP). */
export interface OutboundHop extends NextHop {
  local: Endpoint;
  /** Where the gateway can reach us for requests within the dialog: our listener of that transport, else the connection. */
  contact: { host: string; port: number };
}

export class OutboundClient {
  readonly #sip: OutboundStack;

  constructor(sip: OutboundStack) {
    this.#sip = sip;
  }

  get layer(): TransactionLayer {
    return this.#sip.layer;
  }

  /** Resolves and connects to the gateway; TLS peers are verified before this resolves. */
  async connect(target: OutboundTarget): Promise<OutboundHop> {
    const dest: Endpoint = { protocol: target.protocol, address: await resolve(target), port: target.port };
    if (dest.protocol === 'udp') {
      const bound = this.#sip.transport.udpLocalFor(dest);
      if (!bound) throw new OutboundError(`cannot reach ${target.address} over UDP: no UDP listener of its address family`);
      const address = await mediaAddressFor(bound.address, dest.address);
      return { dest, viaHost: bracket(address), viaPort: bound.port, local: { ...bound, address }, contact: { host: bracket(address), port: bound.port } };
    }
    let conn;
    try {
      conn = await this.#sip.transport.connect(dest);
    } catch (e) {
      throw new OutboundError((e as Error).message, { cause: e });
    }
    if (dest.protocol === 'tls') {
      // The connector does not verify the server (sip/transport/connector.ts): we do, before
      // anything is sent, as the Call Router does for inbound TLS.
      const id = this.#sip.verifier.verify(conn.peer);
      if (!id.ok) throw new OutboundError(`TLS peer refused: ${id.reason}`);
      if (!isIP(target.address) && !id.names.some((n) => nameMatches(n, target.address))) {
        throw new OutboundError(`TLS peer refused: its certificate names ${id.names.join(', ') || 'nothing'}, not ${target.address}`);
      }
    }
    const listener = this.#sip.transport.listenerFor(dest);
    const contact = listener
      ? { host: bracket(await mediaAddressFor(listener.address, dest.address)), port: listener.port }
      : { host: bracket(conn.local.address), port: conn.local.port };
    return { dest, connectionId: conn.connectionId, viaHost: bracket(conn.local.address), viaPort: conn.local.port, local: conn.local, contact };
  }

  /** Connects, sends the request `build` makes for the hop, and resolves with the final status (408 for a timeout). */
  async request(target: OutboundTarget, build: (hop: OutboundHop) => SipRequest): Promise<SipResponse> {
    const hop = await this.connect(target);
    const request = build(hop);
    return new Promise<SipResponse>((done) => {
      let settled = false;
      const settle = (r: SipResponse) => { if (!settled) { settled = true; done(r); } };
      const timeout = () => settle({ kind: 'response', status: 408, reason: 'Request Timeout', headers: [], body: Buffer.alloc(0) });
      this.#sip.layer.request(request, hop.dest, { onFinal: settle, onTimeout: timeout, onTerminated: timeout },
        { ...(hop.connectionId !== undefined ? { connectionId: hop.connectionId } : {}), viaHost: hop.viaHost, viaPort: hop.viaPort });
    });
  }
}

const bracket = (a: string): string => (a.includes(':') ? `[${a}]` : a);

/** The gateway's IP: as configured, or its FQDN looked up in the family it is set to use. */
async function resolve(t: OutboundTarget): Promise<string> {
  if (isIP(t.address)) return t.address;
  const family = t.ipAddressFamily === 'IPv4Only' ? 4 : t.ipAddressFamily === 'IPv6Only' ? 6 : 0;
  try {
    return (await lookup(t.address, { family })).address;
  } catch (e) {
    throw new OutboundError(`cannot resolve ${t.address}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}
