// The main process's side of voice mail: recovery of recordings a worker left, SMTP delivery and
// MWI, driven by events — a worker's 'voicemail' report, a worker's exit, the store's change
// revision (the CLI or admin API deleted or marked a message, or changed the SMTP settings), and
// start. Workers record and write the rows; this turns rows into e-mails and lamps.
import type { Logger } from 'pino';
import { getServer, type SmtpSettings } from '../../org/server-settings.js';
import { retryPendingNow } from '../../org/voice-messages.js';
import type { MailboxService } from '../mailbox/mailbox-service.js';
import { openMailbox } from '../mailbox/open-mailbox.js';
import { requireServer, type OpenNode } from '../node.js';
import { DeliveryQueue } from './delivery-queue.js';
import { MwiNotifier, type MwiSip } from './mwi-notifier.js';
import { recoverRecordings, type Recovered } from './recovery.js';
import { StoreRetry } from './store-retry.js';

/** What the worker supervisor reports (services/sip-roles.ts wires it). */
export interface VoicemailEvents {
  /** A worker stored a message (IPC `{ type: 'voicemail', id, userId }`). */
  onVoicemail(worker: number, m: { id: number; userId: number }): void;
  /** A worker process exited at `at` (ISO time): its unfinished recordings are recovered. */
  onWorkerExit(worker: number, at: string): void;
  /** The UM service's SIP stack, for MWI NOTIFYs. */
  attachSip(sip: MwiSip): void;
  /** A worker left a message waiting on local disk because the store was unreachable. */
  onVoicemailPending(worker: number): void;
}

export interface VoicemailOptions {
  /** Back-off overrides (tests). */
  deliveryRetryMs?: readonly number[];
  mwiRetryMs?: readonly number[];
}

/** A message deleted by phone is restorable until its call ends; no call lasts longer than this. */
const PURGE_AFTER_MS = 2 * 60 * 60_000;

export class VoicemailService implements VoicemailEvents {
  readonly delivery: DeliveryQueue;
  readonly mwi: MwiNotifier;
  /** Messages that waited on local disk while the store was unreachable (store-retry.ts). */
  readonly storeRetry: StoreRetry;
  readonly #node: OpenNode;
  readonly #log: Logger;
  readonly #server: string;
  readonly #mailbox: MailboxService;
  #smtp: string | undefined;
  #pending = new Set<Promise<unknown>>();

  constructor(node: OpenNode, log: Logger, options: VoicemailOptions = {}) {
    this.#node = node;
    this.#server = requireServer(node);
    this.#log = log.child({ component: 'voicemail' });
    const db = node.store.db;
    this.#mailbox = openMailbox(node);
    this.delivery = new DeliveryQueue({ db, vault: node.vault, audio: this.#mailbox.messageAudio, serverName: this.#server, engine: node.store.engine, log, retryMs: options.deliveryRetryMs });
    this.mwi = new MwiNotifier({ db, engine: node.store.engine, serverName: this.#server, log, retryMs: options.mwiRetryMs });
    this.storeRetry = new StoreRetry({
      db, audio: this.#mailbox.messageAudio, dataDir: node.dataDir, log: this.#log,
      onStored: (userIds) => {
        this.delivery.kick();
        this.#track(this.mwi.reconcile(userIds));
      },
    });
    // The store answers again: what waited is stored, and delivery and MWI (whose passes failed
    // meanwhile and would otherwise wait for their back-off) run now.
    node.store.health.onChange((up) => {
      if (!up) return void this.#log.warn({ problem: node.store.health.problem }, 'the store cannot be reached: new calls get 503, messages of calls in progress wait on local disk');
      this.#log.info('the store answers again: storing what waited, resuming delivery and MWI');
      this.storeRetry.kick();
      this.delivery.kick();
      this.#track(this.mwi.reconcile());
    });
  }

  onVoicemailPending(worker: number): void {
    this.#log.info({ worker }, 'a voice message waits on local disk for the store');
    this.storeRetry.kick();
  }

  attachSip(sip: MwiSip): void {
    this.mwi.attach(sip);
  }

  /** Every recording this server left unfinished; run before the workers start. */
  async recover(): Promise<Recovered[]> {
    // First what waited for the store (its rows get their real end), then what a crash left.
    this.storeRetry.kick();
    await this.storeRetry.idle();
    const recovered = await recoverRecordings({ db: this.#node.store.db, audio: this.#mailbox.messageAudio, serverName: this.#server, log: this.#log });
    // Messages deleted by phone stay restorable until the call ends; a worker that died mid-call
    // left its marks: purge those older than the longest call (120 minutes).
    const purged = await this.#mailbox.purgeDeleted({ markedBefore: new Date(Date.now() - PURGE_AFTER_MS).toISOString() });
    if (purged > 0) this.#log.info({ messages: purged }, 'purged voice messages deleted by phone in calls that ended without purging');
    return recovered;
  }

  /** Sends what is due and brings every lamp up to date; after recover() and the SIP roles' start. */
  async start(): Promise<void> {
    this.#smtp = smtpKey((await getServer(this.#node.store.db, this.#server)).smtp);
    this.delivery.kick();
    this.#track(this.mwi.reconcile());
  }

  onVoicemail(worker: number, m: { id: number; userId: number }): void {
    this.#log.info({ worker, messageId: m.id, userId: m.userId }, 'voice message (or a missed call to mail) stored');
    this.delivery.kick();
    this.#track(this.mwi.reconcile([m.userId]));
  }

  onWorkerExit(worker: number, at: string): void {
    this.#track(recoverRecordings({ db: this.#node.store.db, audio: this.#mailbox.messageAudio, serverName: this.#server, log: this.#log },
      { worker, startedBefore: at }).then((recovered) => this.#after(recovered)));
  }

  /** Called on every store revision: a changed SMTP server gets the waiting messages at once. */
  async onStoreChange(): Promise<void> {
    const smtp = smtpKey((await getServer(this.#node.store.db, this.#server)).smtp);
    if (smtp !== this.#smtp) {
      this.#smtp = smtp;
      const n = await retryPendingNow(this.#node.store.db);
      if (n > 0) this.#log.info({ messages: n }, 'SMTP settings changed: retrying waiting voice messages now');
    }
    this.delivery.kick();
    await this.mwi.reconcile();
  }

  /** Resolves when recovery, delivery and the NOTIFY passes started so far have settled (tests). */
  async idle(): Promise<void> {
    await this.storeRetry.idle();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    await this.delivery.idle();
    await this.mwi.idle();
  }

  async stop(): Promise<void> {
    await this.storeRetry.stop();
    await this.delivery.stop();
    await this.mwi.stop();
    await Promise.all([...this.#pending]);
  }

  #after(recovered: Recovered[]): Promise<void> {
    if (recovered.length === 0) return Promise.resolve();
    this.delivery.kick();
    return this.mwi.reconcile([...new Set(recovered.map((r) => r.userId))]);
  }

  #track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => this.#log.error({ err: e }, 'voice mail event failed'));
    this.#pending.add(q);
    void q.finally(() => this.#pending.delete(q));
  }
}

const smtpKey = (s: SmtpSettings): string => JSON.stringify(s);
