// IPv4 addresses as the native/udp addon takes and gives them: a host-order uint32 carried in an
// int32 (an Int32Array element), and back to the dotted quad.
import { isIPv4 } from 'node:net';

/** Dotted quad → host-order uint32 as an int32; undefined when `address` is not an IPv4 literal. */
export function ipv4ToInt(address: string): number | undefined {
  if (!isIPv4(address)) return undefined;
  let n = 0;
  for (const part of address.split('.')) n = n * 256 + Number(part);
  return n | 0;
}

/** Host-order uint32 (as int32) → dotted quad. */
export function intToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
