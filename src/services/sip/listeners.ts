// Which SIP listeners a role opens, from its startup mode (seeds: TCP = unsecured only, TLS =
// mutual TLS only, Dual = both). UDP goes with the unsecured port, as gateways use UDP 5060 too.
import type { StartupMode } from '../../org/startup-mode.js';
import type { TransportProtocol } from '../../sip/transport/types.js';

export interface ListenSpec {
  protocol: TransportProtocol;
  address: string;
  port: number;
}

export function listenSpecs(mode: StartupMode, ports: { tcp: number; tls: number }, addresses: string[], options: { udp: boolean }): ListenSpec[] {
  const out: ListenSpec[] = [];
  for (const address of addresses) {
    if (mode !== 'TLS') {
      if (options.udp) out.push({ protocol: 'udp', address, port: ports.tcp });
      out.push({ protocol: 'tcp', address, port: ports.tcp });
    }
    if (mode !== 'TCP') out.push({ protocol: 'tls', address, port: ports.tls });
  }
  return out;
}

export const specKey = (s: ListenSpec): string => `${s.protocol}|${s.address}|${s.port}`;
