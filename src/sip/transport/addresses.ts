// Address helpers: family, IPv4-mapped IPv6 normalisation, and the key under which a remote
// endpoint's connection is found (RFC 3261 §18.2.2: reuse the connection a request came on).
import { isIP } from 'node:net';
import type { Endpoint, TransportProtocol } from './types.js';

const MAPPED_PREFIX = '::ffff:';

/** "::ffff:127.0.0.1" → "127.0.0.1"; anything else is returned as is (no allocation). */
export function normalizeAddress(address: string): string {
  if (address.length > 7 && address.charCodeAt(0) === 58 /* : */ && address.includes('.')
    && address.slice(0, 7).toLowerCase() === MAPPED_PREFIX) {
    return address.slice(7);
  }
  return address;
}

/** 4 or 6, or 0 when the text is not an IP literal. */
export function familyOf(address: string): 0 | 4 | 6 {
  return isIP(address) as 0 | 4 | 6;
}

export function toMapped(ipv4: string): string {
  return MAPPED_PREFIX + ipv4;
}

/** Key for maps of remote endpoints: "tcp|::1|5060". */
export function endpointKey(protocol: TransportProtocol, address: string, port: number): string {
  return `${protocol}|${address}|${port}`;
}

/** A frozen endpoint object, shared by every message of one socket or connection. */
export function endpoint(protocol: TransportProtocol, address: string, port: number): Endpoint {
  return Object.freeze({ protocol, address: normalizeAddress(address), port });
}

/** True for the any-address of either family. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
