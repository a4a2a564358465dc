// Sends stored voice messages by SMTP, and missed-call notices (no attachment) for missed calls
// that the user's mailbox policy asked to be mailed (services/worker/voicemail-box.ts). Event driven: `kick()` when a worker reports a message,
// after recovery, at start and when the settings change; otherwise one timer set for the earliest
// retry due, never a poll. A failed attempt is recorded with its error and retried after
// 1 min, 5 min, 15 min, then hourly; 24 hours after the message arrived it is given up ('failed'),
// the row and its audio kept. Without an SMTP server messages wait as pending, and one log line
// says so. Nodes sharing a store all work the queue: each claims the messages it sends
// (org/delivery-claims.ts), so none is sent twice and a node that dies leaves nothing behind.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { getServer } from '../../org/server-settings.js';
import { findUserById } from '../../org/users.js';
import { claimDeliveries, nextClaimableAt, pendingDeliveries, releaseClaims } from '../../org/delivery-claims.js';
import { recordDelivery, type VoiceMessage } from '../../org/voice-messages.js';
import type { KeyVault } from '../../pki/key-vault.js';
import type { AudioStore } from '../../store/audio/audio-store.js';
import type { Engine } from '../../store/engine.js';
import type { Database } from '../../store/schema.js';
import { SerialPasses } from '../serial-passes.js';
import { composeMail, composeMissedCallMail } from './mail-message.js';
import { smtpTransport, type SmtpTransportInfo } from './smtp-transport.js';

export const DELIVERY_RETRY_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
export const DELIVERY_GIVE_UP_MS = 24 * 60 * 60_000;
/** With several nodes: how often an idle queue looks for messages another node left. */
const SWEEP_MS = 30_000;
/** Messages claimed at a time: few, so a slow SMTP server does not hold many claims. */
const CLAIM_BATCH = 5;
/** Longest single timer: a far retry is reached in hops (setTimeout caps at ~24.8 days anyway). */
const MAX_TIMER_MS = 60 * 60_000;

export interface DeliveryDeps {
  db: Kysely<Database>;
  vault: KeyVault;
  /** Where the recordings are (the mailbox's message audio). */
  audio: AudioStore;
  serverName: string;
  /** PostgreSQL claims with FOR UPDATE SKIP LOCKED. */
  engine: Engine;
  log: Logger;
  retryMs?: readonly number[];
  giveUpMs?: number;
}

/** When to try again after `attempts` failed attempts, or null to give up. */
export function nextAttempt(m: Pick<VoiceMessage, 'receivedAt'>, attempts: number, now: number, retryMs: readonly number[] = DELIVERY_RETRY_MS, giveUpMs = DELIVERY_GIVE_UP_MS): string | null {
  const delay = retryMs[Math.min(attempts - 1, retryMs.length - 1)] ?? 3_600_000;
  const at = now + delay;
  return at > Date.parse(m.receivedAt) + giveUpMs ? null : new Date(at).toISOString();
}

export class DeliveryQueue {
  readonly #d: DeliveryDeps;
  readonly #log: Logger;
  readonly #passes = new SerialPasses(() => this.#run().catch((e: unknown) => {
    this.#log.error({ err: e }, 'voice mail delivery pass failed; will try again on the next event or in an hour');
    this.#arm(MAX_TIMER_MS);
  }));
  /** Logged once per change, not on every kick. */
  #notConfiguredLogged = false;

  constructor(deps: DeliveryDeps) {
    this.#d = deps;
    this.#log = deps.log.child({ component: 'voicemail-delivery' });
  }

  /** Runs a delivery pass now (or right after the one running). */
  kick(): void {
    this.#passes.kick();
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#passes.idle();
  }

  async stop(): Promise<void> {
    await this.#passes.stop();
  }

  async #run(): Promise<void> {
    const settings = await getServer(this.#d.db, this.#d.serverName);
    const host = settings.smtp.host;
    if (host === null) {
      const waiting = await pendingDeliveries(this.#d.db);
      if (!this.#notConfiguredLogged && waiting > 0) {
        this.#log.warn({ waiting }, "no SMTP server is configured: voice messages wait, undelivered, until one is set (openum smtp set --host HOST)");
        this.#notConfiguredLogged = true;
      }
      return; // a settings change kicks the queue again
    }
    this.#notConfiguredLogged = false;
    let smtp: SmtpTransportInfo | undefined;
    try {
      for (;;) {
        const due = await claimDeliveries(this.#d.db, this.#d.engine, this.#d.serverName, Date.now(), CLAIM_BATCH);
        for (const [i, m] of due.entries()) {
          if (this.#passes.stopped) return await releaseClaims(this.#d.db, this.#d.serverName, due.slice(i).map((d) => d.id));
          smtp ??= await smtpTransport({ db: this.#d.db, vault: this.#d.vault, serverName: this.#d.serverName, fqdn: settings.fqdn }, { ...settings.smtp, host });
          await this.#deliver(m, smtp, settings.fqdn, settings.smtp.from ?? `voicemail@${settings.fqdn}`);
        }
        if (due.length < CLAIM_BATCH) break;
      }
    } finally {
      smtp?.transport.close();
    }
    const next = await nextClaimableAt(this.#d.db);
    // Nodes sharing PostgreSQL also look every SWEEP_MS: a node that died between recording a
    // message and sending it kicked no one else's queue.
    const sweep = this.#d.engine === 'postgres' ? SWEEP_MS : Infinity;
    const wait = Math.min(next === null ? Infinity : Date.parse(next) - Date.now(), sweep);
    if (wait !== Infinity) this.#arm(wait);
  }

  #arm(ms: number): void {
    this.#passes.later(Math.min(MAX_TIMER_MS, ms));
  }

  async #deliver(m: VoiceMessage, smtp: SmtpTransportInfo, fqdn: string, from: string): Promise<void> {
    const fail = async (error: string, retry: boolean) => {
      const retryAt = retry ? nextAttempt(m, m.deliveryAttempts + 1, Date.now(), this.#d.retryMs, this.#d.giveUpMs) : null;
      await recordDelivery(this.#d.db, m.id, { ok: false, error, retryAt });
      this.#log.warn({ messageId: m.id, attempt: m.deliveryAttempts + 1, error, retryAt }, retryAt ? 'voice message not delivered: will retry' : 'voice message not delivered: giving up');
    };
    const user = await findUserById(this.#d.db, m.userId);
    if (!user) return fail('the user no longer exists', false);
    if (m.state === 'missed') return this.#send(m, composeMissedCallMail({ message: m, user, from, fqdn }), smtp, fail, 'missed-call notice delivered');
    let audio: Buffer | undefined;
    try {
      audio = await this.#d.audio.get(m.audioPath);
    } catch {
      audio = undefined;
    }
    if (!audio) return fail(`the audio file ${m.audioPath} is missing`, false);
    const plan = await this.#d.db.selectFrom('dial_plans').select(['name', 'audio_codec']).where('id', '=', user.dialPlanId).executeTakeFirst();
    if (plan?.audio_codec === 'MP3' || m.audioFormat === 'MP3') {
      // No MP3 encoder ships with OpenUM (README): the recording goes as the WAV it was made as.
      this.#log.info({ messageId: m.id, dialPlan: plan?.name }, 'the dial plan asks for MP3 but OpenUM has no MP3 encoder: attaching WAV');
    }
    return this.#send(m, composeMail({ message: m, user, from, fqdn, audio }), smtp, fail, 'voice message delivered');
  }

  async #send(m: VoiceMessage, mail: Parameters<SmtpTransportInfo['transport']['sendMail']>[0], smtp: SmtpTransportInfo,
    fail: (error: string, retry: boolean) => Promise<void>, done: string): Promise<void> {
    try {
      const info = await smtp.transport.sendMail(mail);
      await recordDelivery(this.#d.db, m.id, { ok: true });
      this.#log.info({ messageId: m.id, to: mail.to, smtpResponse: info.response, clientCertificate: smtp.clientCertificate }, done);
    } catch (e) {
      const err = e as Error & { responseCode?: number; code?: string };
      await fail(`${err.responseCode ? `${err.responseCode} ` : ''}${err.message}`, true);
    }
  }
}
