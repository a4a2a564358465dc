// The local server and the settings of its UM service and Call Router (Set-UMService,
// Set-UMCallRouterSettings in Exchange): read, validated changes, initial values.
import type { Kysely, Selectable, Updateable } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database, ServersTable } from '../store/schema.js';
import { checkNotFixed, DEFAULT_ADMIN_PORT, DEFAULT_CALL_ROUTER_PORTS, parsePort, UM_SERVICE_PORTS } from './ports.js';
import { checkLocalAddress, refuseRtpOverSip, refuseSipInRtp, refuseTcpWhileSecuredPlans } from './settings-guards.js';
import { DEFAULT_SIP_ADDRESSES, readStoredSipAddresses } from './sip-addresses.js';
import { parseStartupMode, type StartupMode } from './startup-mode.js';

export interface UmServiceSettings {
  startupMode: StartupMode;
  /** MaxCallsAllowed: calls per UM service before it answers 503. */
  maxCallsAllowed: number;
  sipTcpPort: number;
  sipTlsPort: number;
  /** UDP range for the workers' RTP (even) and RTCP (odd) ports. */
  rtpPorts: { min: number; max: number };
  /** Recordings shorter than this are missed calls, not voice messages (0–60 000 ms). */
  minRecordingMs: number;
}

/** How voice mail reaches the SMTP server (RFC 3207 STARTTLS, or implicit TLS as RFC 8314 §3.3). */
export const SMTP_SECURITY = ['none', 'starttls', 'require-starttls', 'tls'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export interface SmtpSettings {
  /** null: not configured; messages wait, undelivered, until it is. */
  host: string | null;
  port: number;
  security: SmtpSecurity;
  /** null: voicemail@<server FQDN>. */
  from: string | null;
}

export interface CallRouterSettings {
  startupMode: StartupMode;
  sipTcpPort: number;
  sipTlsPort: number;
  /** Also listen for SIP over UDP on the TCP port number. */
  sipUdp: boolean;
}

export interface AdminSettings {
  address: string;
  port: number;
}

export interface ServerSettings {
  name: string;
  fqdn: string;
  umService: UmServiceSettings;
  callRouter: CallRouterSettings;
  admin: AdminSettings;
  smtp: SmtpSettings;
  /** Thumbprint of the self-signed certificate created at install. */
  installCertificate: string | null;
  /** Where the SIP roles listen (from the next start): the stored addresses, or 0.0.0.0. */
  sipAddresses: string[];
  /** Whether sipAddresses were set (openum server set --sip-address) or are the default. */
  sipAddressesStored: boolean;
}

function toSettings(row: Selectable<ServersTable>): ServerSettings {
  return {
    name: row.name,
    fqdn: row.fqdn,
    umService: {
      startupMode: parseStartupMode(row.um_startup_mode),
      maxCallsAllowed: Number(row.um_max_calls),
      sipTcpPort: UM_SERVICE_PORTS.tcp,
      sipTlsPort: UM_SERVICE_PORTS.tls,
      rtpPorts: { min: Number(row.rtp_port_min), max: Number(row.rtp_port_max) },
      minRecordingMs: Number(row.min_recording_ms),
    },
    callRouter: {
      startupMode: parseStartupMode(row.cr_startup_mode),
      sipTcpPort: Number(row.cr_sip_tcp_port),
      sipTlsPort: Number(row.cr_sip_tls_port),
      sipUdp: Number(row.cr_sip_udp) === 1,
    },
    admin: { address: row.admin_address, port: Number(row.admin_port) },
    smtp: {
      host: row.smtp_host,
      port: Number(row.smtp_port),
      security: (SMTP_SECURITY as readonly string[]).includes(row.smtp_security) ? row.smtp_security as SmtpSecurity : 'starttls',
      from: row.smtp_from,
    },
    installCertificate: row.install_certificate,
    sipAddresses: readStoredSipAddresses(row.sip_addresses) ?? [...DEFAULT_SIP_ADDRESSES],
    sipAddressesStored: readStoredSipAddresses(row.sip_addresses) !== null,
  };
}

const FQDN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function parseFqdn(text: string): string {
  const fqdn = text.trim().toLowerCase().replace(/\.$/, '');
  if (!FQDN_RE.test(fqdn)) {
    throw new OpenUmError('BAD_SETTING', `"${text}" is not a valid host name; write it like um.contoso.com`);
  }
  return fqdn;
}

export async function findServer(db: Kysely<Database>, name: string): Promise<ServerSettings | undefined> {
  const row = await db.selectFrom('servers').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toSettings(row) : undefined;
}

export async function getServer(db: Kysely<Database>, name: string): Promise<ServerSettings> {
  const s = await findServer(db, name);
  if (!s) throw new OpenUmError('STORE_UNAVAILABLE', `the store has no server named "${name}"`,
    { cli: "; run 'openum start' once to initialise it", api: '; the server must be started once to initialise it' });
  return s;
}

export async function listServerNames(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('servers').select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}

/** Every server (node) sharing the store, by name. */
export async function listServers(db: Kysely<Database>): Promise<ServerSettings[]> {
  const rows = await db.selectFrom('servers').selectAll().orderBy('name').execute();
  return rows.map(toSettings);
}

/** Creates the server row with the defaults of a new install (startup mode TCP, ports 5060/5061). */
export async function createServer(db: Kysely<Database>, actor: Actor, init: { name: string; fqdn: string }): Promise<ServerSettings> {
  const now = new Date().toISOString();
  await mutate(db, actor, { action: 'server.create', target: init.name }, async (trx) => {
    await trx.insertInto('servers').values({
      name: init.name,
      fqdn: parseFqdn(init.fqdn),
      um_startup_mode: 'TCP',
      um_max_calls: 100,
      cr_startup_mode: 'TCP',
      cr_sip_tcp_port: DEFAULT_CALL_ROUTER_PORTS.tcp,
      cr_sip_tls_port: DEFAULT_CALL_ROUTER_PORTS.tls,
      cr_sip_udp: 1,
      admin_address: '127.0.0.1',
      admin_port: DEFAULT_ADMIN_PORT,
      install_certificate: null,
      created_at: now,
      updated_at: now,
    }).execute();
    return { result: undefined, details: { fqdn: init.fqdn } };
  });
  return getServer(db, init.name);
}

export interface UmServicePatch {
  startupMode?: string;
  /** "MIN-MAX" within 1024-65535. */
  rtpPorts?: string;
  maxCallsAllowed?: string | number;
  sipTcpPort?: string | number;
  sipTlsPort?: string | number;
  /** Seconds (decimals allowed), 0–60: shorter recordings are missed calls. */
  minRecordingSeconds?: string | number;
}

export async function setUmService(db: Kysely<Database>, actor: Actor, name: string, patch: UmServicePatch): Promise<ServerSettings> {
  if (patch.sipTcpPort !== undefined || patch.sipTlsPort !== undefined) {
    throw new OpenUmError('PORT_NOT_CHANGEABLE',
      `the UM service always listens on ${UM_SERVICE_PORTS.tcp} (TCP) and ${UM_SERVICE_PORTS.tls} (TLS); these ports cannot be changed`,
      { cli: " (the Call Router's can: openum callrouter set --sip-tcp-port N)", api: " (the Call Router's can: PATCH /api/callrouter { sipTcpPort })" });
  }
  const values: Updateable<ServersTable> = {};
  if (patch.startupMode !== undefined) {
    const mode = parseStartupMode(patch.startupMode);
    await refuseTcpWhileSecuredPlans(db, mode, 'service');
    values.um_startup_mode = mode;
  }
  if (patch.rtpPorts !== undefined) {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(patch.rtpPorts);
    const min = Number(m?.[1]);
    const max = Number(m?.[2]);
    if (!m || min < 1024 || max > 65535 || max - min < 1) {
      throw new OpenUmError('BAD_SETTING', `the RTP port range must be MIN-MAX within 1024-65535, like 20000-29999 (got "${patch.rtpPorts}")`);
    }
    refuseRtpOverSip({ min, max }, (await getServer(db, name)).callRouter, patch.rtpPorts);
    values.rtp_port_min = min;
    values.rtp_port_max = max;
  }
  if (patch.maxCallsAllowed !== undefined) {
    const n = Number(patch.maxCallsAllowed);
    if (!Number.isInteger(n) || n < 1 || n > 100000) {
      throw new OpenUmError('BAD_SETTING', `max calls allowed must be a whole number from 1 to 100000 (got "${patch.maxCallsAllowed}")`);
    }
    values.um_max_calls = n;
  }
  if (patch.minRecordingSeconds !== undefined) {
    const text = String(patch.minRecordingSeconds).trim();
    const n = /^\d+(\.\d{1,3})?$/.test(text) ? Number(text) : NaN;
    if (!(n >= 0 && n <= 60)) {
      throw new OpenUmError('BAD_SETTING', `the minimum recording length must be a number of seconds from 0 to 60, like 2 or 1.5 (got "${patch.minRecordingSeconds}")`);
    }
    values.min_recording_ms = Math.round(n * 1000);
  }
  return update(db, actor, name, 'service.set', values);
}

export interface CallRouterPatch {
  startupMode?: string;
  sipTcpPort?: string | number;
  sipTlsPort?: string | number;
  sipUdp?: boolean;
}

export async function setCallRouter(db: Kysely<Database>, actor: Actor, name: string, patch: CallRouterPatch): Promise<ServerSettings> {
  const current = await getServer(db, name);
  const values: Updateable<ServersTable> = {};
  if (patch.startupMode !== undefined) {
    const mode = parseStartupMode(patch.startupMode);
    await refuseTcpWhileSecuredPlans(db, mode, 'callrouter');
    values.cr_startup_mode = mode;
  }
  const tcp = patch.sipTcpPort !== undefined ? parsePort(patch.sipTcpPort, 'the Call Router SIP TCP port') : current.callRouter.sipTcpPort;
  const tls = patch.sipTlsPort !== undefined ? parsePort(patch.sipTlsPort, 'the Call Router SIP TLS port') : current.callRouter.sipTlsPort;
  if (patch.sipTcpPort !== undefined) {
    checkNotFixed(tcp, 'the Call Router SIP TCP port');
    refuseSipInRtp(tcp, 'the Call Router SIP TCP port', current.umService.rtpPorts);
    values.cr_sip_tcp_port = tcp;
  }
  if (patch.sipTlsPort !== undefined) {
    checkNotFixed(tls, 'the Call Router SIP TLS port');
    refuseSipInRtp(tls, 'the Call Router SIP TLS port', current.umService.rtpPorts);
    values.cr_sip_tls_port = tls;
  }
  if (tcp === tls) throw new OpenUmError('BAD_SETTING', `the Call Router's TCP and TLS ports must differ (both ${tcp})`);
  if (tcp === current.admin.port || tls === current.admin.port) {
    throw new OpenUmError('BAD_SETTING', `port ${current.admin.port} is the admin API's; choose another port`);
  }
  if (patch.sipUdp !== undefined) values.cr_sip_udp = patch.sipUdp ? 1 : 0;
  return update(db, actor, name, 'callrouter.set', values);
}

/** The FQDN and the SIP listen addresses (already checked with parseSipAddresses). */
export async function setServerIdentity(db: Kysely<Database>, actor: Actor, name: string, patch: { fqdn?: string; sipAddresses?: string[] }): Promise<ServerSettings> {
  const values: Updateable<ServersTable> = {};
  if (patch.fqdn !== undefined) values.fqdn = parseFqdn(patch.fqdn);
  if (patch.sipAddresses !== undefined) values.sip_addresses = JSON.stringify(patch.sipAddresses);
  return update(db, actor, name, 'server.set', values);
}

export async function setAdmin(db: Kysely<Database>, actor: Actor, name: string, patch: { address?: string; port?: string | number }): Promise<ServerSettings> {
  const current = await getServer(db, name);
  const values: Updateable<ServersTable> = {};
  if (patch.port !== undefined) {
    const port = parsePort(patch.port, 'the admin API port');
    checkNotFixed(port, 'the admin API port');
    if (port === current.callRouter.sipTcpPort || port === current.callRouter.sipTlsPort) {
      throw new OpenUmError('BAD_SETTING', `port ${port} is the Call Router's; choose another port`);
    }
    values.admin_port = port;
  }
  if (patch.address !== undefined) {
    values.admin_address = checkLocalAddress(patch.address, 'the admin API address');
  }
  return update(db, actor, name, 'admin.set', values);
}

export async function setInstallCertificate(db: Kysely<Database>, actor: Actor, name: string, thumbprint: string): Promise<void> {
  await update(db, actor, name, 'server.install-certificate', { install_certificate: thumbprint });
}

/** Writes validated server columns in one audited change (the SMTP settings use it too). */
export async function updateServer(db: Kysely<Database>, actor: Actor, name: string, action: string, values: Updateable<ServersTable>): Promise<ServerSettings> {
  return update(db, actor, name, action, values);
}

async function update(db: Kysely<Database>, actor: Actor, name: string, action: string, values: Updateable<ServersTable>): Promise<ServerSettings> {
  if (Object.keys(values).length === 0) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change', { cli: ': give at least one setting (see --help)', api: ': give at least one field' });
  }
  const before = await getServer(db, name);
  await mutate(db, actor, { action, target: name }, async (trx) => {
    await trx.updateTable('servers').set({ ...values, updated_at: new Date().toISOString() }).where('name', '=', name).execute();
    return { result: undefined, details: { before: pick(before, values), after: values } };
  });
  return getServer(db, name);
}

function pick(s: ServerSettings, values: Updateable<ServersTable>): Record<string, unknown> {
  const flat: Record<string, unknown> = {
    fqdn: s.fqdn, um_startup_mode: s.umService.startupMode, um_max_calls: s.umService.maxCallsAllowed,
    cr_startup_mode: s.callRouter.startupMode, cr_sip_tcp_port: s.callRouter.sipTcpPort, cr_sip_tls_port: s.callRouter.sipTlsPort,
    cr_sip_udp: s.callRouter.sipUdp ? 1 : 0, rtp_port_min: s.umService.rtpPorts.min, rtp_port_max: s.umService.rtpPorts.max, admin_address: s.admin.address, admin_port: s.admin.port, install_certificate: s.installCertificate,
    sip_addresses: s.sipAddressesStored ? JSON.stringify(s.sipAddresses) : null,
    min_recording_ms: s.umService.minRecordingMs, smtp_host: s.smtp.host, smtp_port: s.smtp.port, smtp_security: s.smtp.security, smtp_from: s.smtp.from,
  };
  return Object.fromEntries(Object.keys(values).map((k) => [k, flat[k]]));
}
