// Where voice mail is sent by e-mail (`openum smtp set|show|clear`, /api/smtp): the SMTP server,
// its port, how the connection is secured, and the From address. Validated here, stored as
// columns of the server row (migrations/0003-voicemail.ts).
import type { Kysely, Updateable } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Actor } from '../store/mutation.js';
import type { Database, ServersTable } from '../store/schema.js';
import { parseAddress, parseEmail } from './addresses.js';
import { parsePort } from './ports.js';
import { getServer, SMTP_SECURITY, updateServer, type ServerSettings, type SmtpSecurity } from './server-settings.js';
import { parseChoice } from './values.js';

export interface SmtpPatch {
  host?: string;
  port?: string | number;
  security?: string;
  /** '' or null: back to voicemail@<server FQDN>. */
  from?: string | null;
}

/** The default port for a security mode: 465 for implicit TLS (RFC 8314 §3.3), else 25. */
export function defaultSmtpPort(security: SmtpSecurity): number {
  return security === 'tls' ? 465 : 25;
}

export async function setSmtp(db: Kysely<Database>, actor: Actor, name: string, patch: SmtpPatch): Promise<ServerSettings> {
  if (Object.values(patch).every((v) => v === undefined)) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change', { cli: ': give at least one of --host, --port, --security, --from', api: ': give at least one of host, port, security, from' });
  }
  const current = await getServer(db, name);
  const values: Updateable<ServersTable> = {};
  if (patch.host !== undefined) values.smtp_host = parseAddress(patch.host, 'the SMTP host').address;
  else if (current.smtp.host === null) {
    throw new OpenUmError('BAD_ARGUMENT', 'no SMTP server is configured yet', {
      cli: ': give its name or address with --host (openum smtp set --host mail.contoso.com)', api: ': give its name or address in host',
    });
  }
  if (patch.security !== undefined) {
    values.smtp_security = parseChoice(patch.security.trim().toLowerCase(), SMTP_SECURITY, 'the SMTP security');
  }
  if (patch.port !== undefined) values.smtp_port = parsePort(patch.port, 'the SMTP port');
  else if (values.smtp_security !== undefined && current.smtp.host === null) {
    // A first configuration with --security tls and no --port means the submissions port.
    values.smtp_port = defaultSmtpPort(values.smtp_security as SmtpSecurity);
  }
  if (patch.from !== undefined) values.smtp_from = patch.from === null || patch.from.trim() === '' ? null : parseEmail(patch.from);
  return updateServer(db, actor, name, 'smtp.set', values);
}

/** Forgets the SMTP server: messages wait, undelivered, until one is set again. */
export async function clearSmtp(db: Kysely<Database>, actor: Actor, name: string): Promise<ServerSettings> {
  return updateServer(db, actor, name, 'smtp.clear', { smtp_host: null, smtp_port: 25, smtp_security: 'starttls', smtp_from: null });
}
