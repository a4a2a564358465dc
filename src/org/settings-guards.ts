// Server-setting changes that would break what runs are refused here, with the reason (issue 10,
// "Changes that would break what runs are refused"): a startup mode without TLS while a dial plan
// needs TLS, an RTP range over the SIP ports, an admin API address this host cannot listen on.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { UM_SERVICE_PORTS, WORKER_PORTS } from './ports.js';
import type { StartupMode } from './startup-mode.js';

/**
 * The install's RTP range (the seeds' default 1024–65535). It covers the SIP ports too, but among
 * 64,512 ports the few the SIP listeners hold are simply skipped when a pair cannot be bound; a
 * range an operator narrows must leave them out.
 */
export const DEFAULT_RTP_PORTS = { min: 1024, max: 65535 } as const;

/**
 * SIPSecured and Secured dial plans need TLS (seeds: "VoIP security"): a UM service or Call Router
 * without a TLS listener would answer their calls 503. `role` is 'service' or 'callrouter'.
 */
export async function refuseTcpWhileSecuredPlans(db: Kysely<Database>, mode: StartupMode, role: 'service' | 'callrouter'): Promise<void> {
  if (mode !== 'TCP') return;
  const plans = await db.selectFrom('dial_plans').select(['name', 'voip_security'])
    .where('voip_security', '!=', 'Unsecured').orderBy('name').execute();
  if (plans.length === 0) return;
  const names = plans.map((p) => `"${p.name}" (${p.voip_security})`).join(', ');
  const who = role === 'service' ? 'the UM service' : 'the Call Router';
  throw new OpenUmError('TLS_NEEDED_BY_DIAL_PLAN',
    `startup mode TCP would close ${who}'s TLS listener, but the dial plan${plans.length > 1 ? 's' : ''} ${names} need${plans.length > 1 ? '' : 's'} TLS: their calls would be refused with 503. `
    + 'Keep TLS or Dual, or make those dial plans Unsecured first', {
      cli: ` (openum dialplan set NAME --security Unsecured)`,
      api: ` (PATCH /api/dialplans/{name} { voipSecurity: Unsecured })`,
    });
}

/** The SIP ports of this server, each with its owner, for the RTP range check. */
export function sipPorts(callRouter: { sipTcpPort: number; sipTlsPort: number }): Array<{ port: number; owner: string }> {
  return [
    { port: callRouter.sipTcpPort, owner: 'the Call Router (TCP/UDP)' },
    { port: callRouter.sipTlsPort, owner: 'the Call Router (TLS)' },
    { port: UM_SERVICE_PORTS.tcp, owner: 'the UM service (TCP)' },
    { port: UM_SERVICE_PORTS.tls, owner: 'the UM service (TLS)' },
    ...WORKER_PORTS.flatMap((w, i) => [
      { port: w.tcp, owner: `UM worker ${i + 1} (TCP)` },
      { port: w.tls, owner: `UM worker ${i + 1} (TLS)` },
    ]),
  ];
}

/** An RTP range narrowed onto SIP ports: calls would fight the SIP listeners for them. */
export function refuseRtpOverSip(range: { min: number; max: number }, callRouter: { sipTcpPort: number; sipTlsPort: number }, given: string): void {
  if (range.min === DEFAULT_RTP_PORTS.min && range.max === DEFAULT_RTP_PORTS.max) return;
  const hit = sipPorts(callRouter).filter((s) => s.port >= range.min && s.port <= range.max);
  if (hit.length === 0) return;
  throw new OpenUmError('BAD_SETTING',
    `the RTP port range ${given.trim()} overlaps the SIP ports ${hit.map((h) => `${h.port} (${h.owner})`).join(', ')}; `
    + 'choose a range clear of them, like 20000-29999');
}

/** A Call Router port inside a narrowed RTP range: the same conflict, seen from the other side. */
export function refuseSipInRtp(port: number, what: string, range: { min: number; max: number }): void {
  if (range.min === DEFAULT_RTP_PORTS.min && range.max === DEFAULT_RTP_PORTS.max) return;
  if (port < range.min || port > range.max) return;
  throw new OpenUmError('BAD_SETTING', `${what} ${port} is inside the RTP port range ${range.min}-${range.max}; choose a port outside it`, {
    cli: ' (or move the range: openum service set --rtp-ports MIN-MAX)',
    api: ' (or move the range: PATCH /api/service { rtpPorts })',
  });
}

/**
 * The admin API listens on an IP literal of this host, or on any address (0.0.0.0, ::). Anything
 * else (300.1.1.1, another host's address) would stop the running API, so it is refused here;
 * 'localhost' stays accepted as it always was. Loopback: all of 127.0.0.0/8 binds on Linux.
 */
export function checkLocalAddress(text: string, what: string): string {
  const a = text.trim();
  if (a.toLowerCase() === 'localhost') return 'localhost';
  const family = isIP(a);
  if (family === 0) {
    throw new OpenUmError('BAD_SETTING', `${what} must be an IP address such as 127.0.0.1, ::1 or 0.0.0.0 (got "${text}")`);
  }
  if (isLocalAddress(a, family)) return a;
  const mine = Object.values(networkInterfaces()).flat().map((i) => i?.address).filter((x): x is string => !!x && !x.startsWith('fe80'));
  throw new OpenUmError('BAD_SETTING',
    `${what} ${a} is not an address of this host, so nothing could listen on it; use one of ${['0.0.0.0', '::', ...mine].join(', ')}`);
}

function isLocalAddress(a: string, family: number): boolean {
  if (a === '0.0.0.0' || a === '::') return true;
  if (family === 4 && a.startsWith('127.')) return true;
  const norm = a.toLowerCase();
  return Object.values(networkInterfaces()).flat().some((i) => i !== undefined && i.address.toLowerCase() === norm.replace(/%.*$/, ''));
}

/**
 * Whether a gateway at `address`:`port` is this server: the port is one of its SIP ports and the
 * address is the one its SIP listeners use (`listening`), or, when they listen on any address
 * (0.0.0.0, ::), an address of this host.
 */
export function isOwnSipAddress(address: string, port: number, listening: string, callRouter: { sipTcpPort: number; sipTlsPort: number }): boolean {
  if (!sipPorts(callRouter).some((s) => s.port === port)) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (listening === '0.0.0.0' || listening === '::') return isLocalAddress(address, family);
  return address.toLowerCase() === listening.toLowerCase();
}

/**
 * A gateway named by a UM server's own FQDN and one of its SIP ports is that server: its MWI
 * NOTIFYs would be answered 405 by the server itself. Refused. (A gateway at the server's IP
 * stays allowed: single-host trials send calls from that address; the MWI sender skips it.)
 */
export async function refuseGatewayAtServer(db: Kysely<Database>, address: string, port: number): Promise<void> {
  if (isIP(address) !== 0) return;
  const rows = await db.selectFrom('servers').select(['name', 'fqdn', 'cr_sip_tcp_port', 'cr_sip_tls_port']).execute();
  for (const r of rows) {
    if (r.fqdn.toLowerCase() !== address.toLowerCase()) continue;
    const hit = sipPorts({ sipTcpPort: Number(r.cr_sip_tcp_port), sipTlsPort: Number(r.cr_sip_tls_port) }).find((s) => s.port === port);
    if (!hit) continue;
    throw new OpenUmError('BAD_ARGUMENT',
      `the gateway address ${address}:${port} is this UM server itself (server "${r.name}", ${hit.owner}): its MWI NOTIFYs and calls would go to the server; give the IP PBX's, SBC's or gateway's own address`);
  }
}
