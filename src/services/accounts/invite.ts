// Inviting a user to the UM web services: a one-time link (org/web-invites.ts) to the page that
// sets a web password, at the admin server's address (the server's FQDN, the name its IIS
// certificate carries, and the admin port), mailed to the user when SMTP is configured.
import type { Logger } from 'pino';
import { getServer } from '../../org/server-settings.js';
import { createInvite } from '../../org/web-invites.js';
import type { Actor } from '../../store/mutation.js';
import { requireServer, type OpenNode } from '../node.js';
import { sendUserMail } from './user-mail.js';

export interface InviteResult {
  link: string;
  expiresAt: string;
  emailed: boolean;
}

export async function inviteUser(node: OpenNode, actor: Actor, userName: string, options: { email?: boolean; log?: Logger } = {}): Promise<InviteResult> {
  const db = node.store.db;
  const settings = await getServer(db, requireServer(node));
  const { user, token, expiresAt } = await createInvite(db, actor, userName);
  const port = settings.admin.port === 443 ? '' : `:${settings.admin.port}`;
  const link = `https://${settings.fqdn}${port}/set-password?token=${token}`;
  const emailed = options.email === false ? false : await sendUserMail(node, options.log, {
    to: user.email,
    subject: 'Set your voice mail web password',
    text: [
      `Hello ${user.displayName},`,
      '',
      'Your administrator invites you to the voice mail web page, where you can listen to your',
      'voice messages and change your voice mail options. Choose your password here:',
      '',
      link,
      '',
      `The link works once, until ${expiresAt} (UTC).`,
      '',
    ].join('\n'),
  });
  return { link, expiresAt, emailed };
}
