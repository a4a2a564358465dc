// What the phone applications call to log a user on and change a PIN (org/user-pins.ts holds the
// rules and counts). When wrong PINs reach the policy's "logon failures before PIN reset", the PIN
// is replaced by a random one and, as in Exchange, mailed to the user through the SMTP settings
// voice mail uses; without an SMTP server (or when the send fails) the log says so, never with
// the PIN, and an administrator resets it (openum user pin reset).
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { getServer } from '../../org/server-settings.js';
import { findUserById } from '../../org/users.js';
import type { UmUser } from '../../org/organisation-types.js';
import { changePin, checkPin, type ChangePinOutcome } from '../../org/user-pins.js';
import type { KeyVault } from '../../pki/key-vault.js';
import type { Database } from '../../store/schema.js';

export type CheckPinResult =
  | { ok: true; mustChange: boolean }
  | { ok: false; reason: 'wrong'; resetTriggered?: boolean }
  | { ok: false; reason: 'locked' };

export type { ChangePinOutcome };

export interface PinServiceDeps {
  db: Kysely<Database>;
  log: Logger;
  /** Sends a reset PIN to the user; absent: logged as not sent. */
  mailPin?(user: UmUser, pin: string): Promise<void>;
}

export class PinService {
  readonly #d: PinServiceDeps;

  constructor(deps: PinServiceDeps) {
    this.#d = deps;
  }

  async checkPin(userId: number, pin: string): Promise<CheckPinResult> {
    const r = await checkPin(this.#d.db, userId, pin);
    if (r.ok || r.reason === 'locked') {
      if (!r.ok) this.#d.log.warn({ userId }, 'logon refused: the mailbox is locked (openum user pin unlock NAME)');
      return r;
    }
    if (!r.resetTriggered || r.newPin === undefined) return { ok: false, reason: 'wrong' };
    const user = await findUserById(this.#d.db, userId);
    if (user && this.#d.mailPin) {
      await this.#d.mailPin(user, r.newPin).then(
        () => this.#d.log.info({ userId, to: user.email }, 'PIN reset after wrong PINs; the new PIN was mailed to the user'),
        (err: unknown) => this.#d.log.warn({ err, userId }, 'PIN reset after wrong PINs; mailing the new PIN failed: an administrator must reset it (openum user pin reset)'),
      );
    } else {
      this.#d.log.warn({ userId }, 'PIN reset after wrong PINs; no mailer: an administrator must reset it (openum user pin reset)');
    }
    return { ok: false, reason: 'wrong', resetTriggered: true };
  }

  changePin(userId: number, newPin: string): Promise<ChangePinOutcome> {
    return changePin(this.#d.db, userId, newPin);
  }
}

/** A mailer for reset PINs over the node's SMTP settings (those voice mail uses). */
export function smtpPinMailer(ctx: { db: Kysely<Database>; vault: KeyVault; serverName: string }): (user: UmUser, pin: string) => Promise<void> {
  return async (user, pin) => {
    const settings = await getServer(ctx.db, ctx.serverName);
    const host = settings.smtp.host;
    if (host === null) throw new Error('no SMTP server is configured (openum smtp set --host HOST)');
    // Loaded when a PIN is mailed: nodemailer and the trust store's X.509 code are not paid for
    // by every process that opens a mailbox (each 'openum user' and 'openum voicemail' command).
    const { smtpTransport } = await import('../voicemail/smtp-transport.js');
    const smtp = await smtpTransport({ db: ctx.db, vault: ctx.vault, serverName: ctx.serverName, fqdn: settings.fqdn }, { ...settings.smtp, host });
    const from = settings.smtp.from ?? `voicemail@${settings.fqdn}`;
    try {
      await smtp.transport.sendMail({
        from, to: user.email, envelope: { from, to: user.email },
        subject: 'Your voice mail PIN was reset',
        text: [
          `Your voice mail PIN was reset after several wrong PINs were entered for extension ${user.extension}.`,
          '',
          `Your new PIN is: ${pin}`,
          '',
          'You will be asked to choose a new PIN the next time you call your mailbox.',
          '',
        ].join('\n'),
      });
    } finally {
      smtp.transport.close();
    }
  };
}
