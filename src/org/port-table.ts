// The seeds' port table ("Porte di ascolto di messaggistica unificata"), computed from the live
// configuration: which role listens on which port, protocol and mode, whether the startup mode
// has it open, and whether an administrator can change it.
import type { ServerSettings } from './server-settings.js';
import { UM_SERVICE_PORTS, WORKER_PORTS } from './ports.js';
import type { StartupMode } from './startup-mode.js';

export interface PortRow {
  role: string;
  protocol: 'UDP' | 'TCP';
  /** A single port, or "MIN-MAX" for the media range. */
  port: string;
  mode: 'unsecured' | 'mutual TLS' | 'media' | 'HTTPS';
  open: boolean;
  changeable: string;
  description: string;
}

/**
 * How an administrator changes a port: in CLI words for `openum ports`, in API words (the route
 * and the field of its body) for GET /api/ports, since the web page must not name CLI flags.
 */
const CHANGE = {
  callRouterUdp: { cli: 'openum callrouter set --sip-tcp-port / --udp', api: 'PATCH /api/callrouter sipTcpPort, sipUdp' },
  callRouterTcp: { cli: 'openum callrouter set --sip-tcp-port', api: 'PATCH /api/callrouter sipTcpPort' },
  callRouterTls: { cli: 'openum callrouter set --sip-tls-port', api: 'PATCH /api/callrouter sipTlsPort' },
  rtp: { cli: 'openum service set --rtp-ports', api: 'PATCH /api/service rtpPorts' },
  admin: { cli: 'openum admin set --port', api: 'PATCH /api/admin port' },
  fixed: { cli: 'no', api: 'no' },
} as const;

export type PortWords = 'cli' | 'api';
export type FirewallKind = 'nftables' | 'iptables' | 'ufw';
export const FIREWALL_KINDS: readonly FirewallKind[] = ['nftables', 'iptables', 'ufw'];

const plain = (m: StartupMode) => m !== 'TLS';
const tls = (m: StartupMode) => m !== 'TCP';

export function portTable(s: ServerSettings, words: PortWords = 'cli'): PortRow[] {
  const c = (k: keyof typeof CHANGE) => CHANGE[k][words];
  const no = c('fixed');
  const cr = s.callRouter;
  const um = s.umService.startupMode;
  const rows: PortRow[] = [
    { role: 'Call Router', protocol: 'UDP', port: String(cr.sipTcpPort), mode: 'unsecured', open: plain(cr.startupMode) && cr.sipUdp, changeable: c('callRouterUdp'), description: 'SIP from gateways, IP PBXs, SBCs' },
    { role: 'Call Router', protocol: 'TCP', port: String(cr.sipTcpPort), mode: 'unsecured', open: plain(cr.startupMode), changeable: c('callRouterTcp'), description: 'SIP from gateways, IP PBXs, SBCs' },
    { role: 'Call Router', protocol: 'TCP', port: String(cr.sipTlsPort), mode: 'mutual TLS', open: tls(cr.startupMode), changeable: c('callRouterTls'), description: 'SIP over mutual TLS' },
    { role: 'UM service', protocol: 'UDP', port: String(UM_SERVICE_PORTS.tcp), mode: 'unsecured', open: plain(um), changeable: no, description: 'SIP redirected by the Call Router' },
    { role: 'UM service', protocol: 'TCP', port: String(UM_SERVICE_PORTS.tcp), mode: 'unsecured', open: plain(um), changeable: no, description: 'SIP redirected by the Call Router' },
    { role: 'UM service', protocol: 'TCP', port: String(UM_SERVICE_PORTS.tls), mode: 'mutual TLS', open: tls(um), changeable: no, description: 'SIP over mutual TLS' },
  ];
  WORKER_PORTS.forEach((w, i) => {
    rows.push(
      { role: `UM worker ${i + 1}`, protocol: 'UDP', port: String(w.tcp), mode: 'unsecured', open: plain(um), changeable: no, description: 'SIP of calls in progress' },
      { role: `UM worker ${i + 1}`, protocol: 'TCP', port: String(w.tcp), mode: 'unsecured', open: plain(um), changeable: no, description: 'SIP of calls in progress' },
      { role: `UM worker ${i + 1}`, protocol: 'TCP', port: String(w.tls), mode: 'mutual TLS', open: tls(um), changeable: no, description: 'SIP of calls in progress over mutual TLS' },
    );
  });
  rows.push(
    { role: 'UM workers', protocol: 'UDP', port: `${s.umService.rtpPorts.min}-${s.umService.rtpPorts.max}`, mode: 'media', open: true, changeable: c('rtp'), description: 'RTP (even) and RTCP (odd), or SRTP' },
    { role: 'Admin API', protocol: 'TCP', port: String(s.admin.port), mode: 'HTTPS', open: true, changeable: c('admin'), description: `admin API and web admin on ${s.admin.address}` },
  );
  return rows;
}

/** Firewall rules that open exactly the ports the configuration has open. */
export function firewallRules(rows: PortRow[], kind: FirewallKind): string {
  const open = rows.filter((r) => r.open);
  if (kind === 'iptables') {
    // One rule per port, so each carries its role; ip6tables takes the same lines.
    return [
      '# OpenUM: append to the INPUT chain (the same lines with ip6tables for IPv6)',
      ...open.map((r) => `iptables -A INPUT -p ${r.protocol.toLowerCase()} --dport ${r.port.replace('-', ':')} -m comment --comment "OpenUM ${r.role} ${r.mode}" -j ACCEPT`),
      '',
    ].join('\n');
  }
  if (kind === 'ufw') {
    return open.map((r) => `ufw allow ${r.port.replace('-', ':')}/${r.protocol.toLowerCase()} comment 'OpenUM ${r.role} ${r.mode}'`).join('\n') + '\n';
  }
  const set = (proto: 'TCP' | 'UDP') => [...new Set(open.filter((r) => r.protocol === proto).map((r) => r.port))].join(', ');
  return [
    '# OpenUM: add to the input chain of an inet table, e.g. `table inet filter { chain input { … } }`',
    `tcp dport { ${set('TCP')} } accept comment "OpenUM SIP, SIP/TLS, admin API"`,
    `udp dport { ${set('UDP')} } accept comment "OpenUM SIP over UDP and RTP/RTCP media"`,
    '',
  ].join('\n');
}
