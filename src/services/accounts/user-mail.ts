// Mail to a user from the web services (an invitation link, a new PIN), through the SMTP settings
// voice mail uses. Whether it went is an answer (`emailed`), never an error: the administrator or
// the page shows the link or PIN anyway, once.
import type { Logger } from 'pino';
import { getServer } from '../../org/server-settings.js';
import { requireServer, type OpenNode } from '../node.js';
import { smtpTransport } from '../voicemail/smtp-transport.js';

export interface UserMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends `mail`; false when no SMTP server is configured or the send failed (logged, without the body). */
export async function sendUserMail(node: OpenNode, log: Logger | undefined, mail: UserMail): Promise<boolean> {
  const db = node.store.db;
  const serverName = requireServer(node);
  const settings = await getServer(db, serverName);
  const host = settings.smtp.host;
  if (host === null) {
    log?.info({ to: mail.to, subject: mail.subject }, 'no SMTP server is configured: the mail is not sent');
    return false;
  }
  const from = settings.smtp.from ?? `voicemail@${settings.fqdn}`;
  try {
    const smtp = await smtpTransport({ db, vault: node.vault, serverName, fqdn: settings.fqdn }, { ...settings.smtp, host });
    try {
      await smtp.transport.sendMail({ from, to: mail.to, envelope: { from, to: mail.to }, subject: mail.subject, text: mail.text });
    } finally {
      smtp.transport.close();
    }
    return true;
  } catch (err) {
    log?.warn({ err, to: mail.to, subject: mail.subject }, 'the mail to the user could not be sent');
    return false;
  }
}
