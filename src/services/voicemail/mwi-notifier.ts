// Message-waiting indication (RFC 3842) for the UM service: when a user's stored unread/read counts
// differ from those last notified (mwi_state), an unsolicited NOTIFY goes to every gateway that
// serves the user (org/mwi-targets.ts), over TCP for an Unsecured dial plan and TLS otherwise.
// Pending NOTIFYs are jobs in the store (org/mwi-jobs.ts), one per user holding the newest counts,
// so every UM node sharing the store works them: a change on any node queues the job, whichever
// node claims it sends it, a node that dies leaves its jobs to the others (its claims end with
// their lease), and the back-off of a failing gateway survives restarts. mwi_state moves only once
// every gateway answered 2xx; a failure is retried with back-off, and the retry sends the counts
// current then. Event driven: callers say which users may have changed; one timer waits for the
// next job due, and nodes on PostgreSQL also look every 30 s for what a dead node left.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { buildMwiNotify } from '../../apps/mwi/notify-request.js';
import { claimMwiJobs, completeMwiJob, failMwiJob, nextMwiAt, releaseMwiJobs, requestMwi, type MwiJob } from '../../org/mwi-jobs.js';
import { mwiTargets, type MwiTarget } from '../../org/mwi-targets.js';
import type { IpGateway } from '../../org/organisation-types.js';
import { getServer, type ServerSettings } from '../../org/server-settings.js';
import { isOwnSipAddress } from '../../org/settings-guards.js';
import { messageCounts, notifiedCounts, recordNotified, type MessageCounts } from '../../org/voice-messages.js';
import type { Engine } from '../../store/engine.js';
import type { Database } from '../../store/schema.js';
import { OutboundClient, type OutboundStack } from '../sip/outbound-client.js';
import { countMwiFailure } from '../ops/process-metrics.js';
import { SerialPasses } from '../serial-passes.js';

/** The UM service's SIP stack, which the NOTIFYs go out on (through the shared outbound client). */
export type MwiSip = OutboundStack;

/** Back-off between attempts for one user: then every hour until it succeeds. */
export const MWI_RETRY_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
/** With several nodes: how often a node looks for jobs (and changed counts) another node left. */
const SWEEP_MS = 30_000;
/** Jobs claimed at a time, worked in parallel. */
const CLAIM_BATCH = 10;
/** Longest single timer: a far retry is reached in hops. */
const MAX_TIMER_MS = 60 * 60_000;
/** Stopping waits this long for NOTIFYs in flight, then gives their jobs back to the queue. */
const STOP_WAIT_MS = 2_000;

/** What a retry depends on: a change here (a corrected gateway) is worth trying at once. */
const targetsKey = (t: MwiTarget): string => JSON.stringify([t.voipSecurity, t.gateways.map((g) => [g.address, g.port, g.ipAddressFamily])]);

export interface MwiDeps {
  db: Kysely<Database>;
  /** PostgreSQL: claims FOR UPDATE SKIP LOCKED, and a sweep for what other nodes left. */
  engine: Engine;
  /** This node's name: its claims carry it. */
  serverName: string;
  log: Logger;
  retryMs?: readonly number[];
}

export class MwiNotifier {
  readonly #db: Kysely<Database>;
  readonly #engine: Engine;
  readonly #server: string;
  readonly #log: Logger;
  readonly #retryMs: readonly number[];
  #client: OutboundClient | undefined;
  #sip: MwiSip | undefined;
  /** Gateways already warned about being this server itself: warned once, not on every attempt. */
  readonly #warnedSelf = new Set<string>();
  readonly #passes = new SerialPasses(() => this.#run().catch((e: unknown) => {
    this.#log.error({ err: e }, 'MWI pass failed; will try again on the next change or in an hour');
    this.#passes.later(MAX_TIMER_MS);
  }));
  /** The first reconcile starts the queue whatever it found: jobs may wait from before a restart. */
  #started = false;
  /** Claims this node held when it last died are given back by its first pass. */
  #released = false;
  #sweptAt = 0;

  constructor(deps: MwiDeps) {
    this.#db = deps.db;
    this.#engine = deps.engine;
    this.#server = deps.serverName;
    this.#log = deps.log.child({ component: 'mwi' });
    this.#retryMs = deps.retryMs ?? MWI_RETRY_MS;
  }

  attach(sip: MwiSip): void {
    this.#client = new OutboundClient(sip);
    this.#sip = sip;
  }

  /** Users whose counts differ from mwi_state (all users, or those given): each gets a NOTIFY. */
  async reconcile(userIds?: readonly number[]): Promise<void> {
    if (this.#passes.stopped || !this.#client) return;
    const queued = await this.#enqueue(userIds);
    if (queued || !this.#started) {
      this.#started = true;
      this.#passes.kick();
    }
  }

  /** Resolves when no pass is running (tests). */
  async idle(): Promise<void> {
    await this.#passes.idle();
  }

  async stop(): Promise<void> {
    const idle = this.#passes.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([idle, new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_WAIT_MS); })]);
    clearTimeout(timer);
    // What is still in flight goes back to the queue; its outcome, if it comes, changes nothing.
    if (this.#client) await releaseMwiJobs(this.#db, this.#server).catch((e: unknown) => this.#log.warn({ err: e }, 'MWI: could not give back the claims of this node'));
  }

  /** Queues a job for every user whose counts changed; true when one is queued or due now. */
  async #enqueue(userIds?: readonly number[]): Promise<boolean> {
    const current = new Map((await messageCounts(this.#db, userIds)).map((c) => [c.userId, c]));
    const notified = new Map((await notifiedCounts(this.#db)).map((c) => [c.userId, c]));
    // A user with a notified row but no stored message any more must be told 0/0.
    if (!userIds) for (const [id] of notified) if (!current.has(id)) current.set(id, { userId: id, unread: 0, read: 0 });
    const changed = [...current.values()].filter((c) => {
      const n = notified.get(c.userId) ?? { unread: 0, read: 0 };
      return n.unread !== c.unread || n.read !== c.read;
    });
    if (changed.length === 0) return false;
    const targets = new Map((await mwiTargets(this.#db, changed.map((c) => c.userId))).map((t) => [t.userId, t]));
    let queued = false;
    for (const c of changed) {
      const t = targets.get(c.userId);
      if (!t) continue;
      // Every store change calls reconcile: a job in back-off keeps it unless its gateways changed
      // (org/mwi-jobs.ts); without this each unrelated change re-sent the NOTIFY at once (issue 10).
      const r = await requestMwi(this.#db, { userId: c.userId, unread: c.unread, read: c.read, targets: targetsKey(t) }, Date.now());
      if (r === 'queued' || r === 'due now') queued = true;
    }
    return queued;
  }

  async #run(): Promise<void> {
    if (!this.#released) {
      await releaseMwiJobs(this.#db, this.#server);
      this.#released = true;
    }
    // Nodes sharing PostgreSQL: a node that died between a change and queueing its job told no one.
    if (this.#engine === 'postgres' && Date.now() - this.#sweptAt >= SWEEP_MS) {
      this.#sweptAt = Date.now();
      await this.#enqueue();
    }
    for (;;) {
      if (this.#passes.stopped) return;
      const jobs = await claimMwiJobs(this.#db, this.#engine, this.#server, Date.now(), CLAIM_BATCH);
      await Promise.all(jobs.map((j) => this.#attempt(j)));
      if (jobs.length < CLAIM_BATCH) break;
    }
    const next = await nextMwiAt(this.#db);
    const wait = Math.min(next === null ? Infinity : Date.parse(next) - Date.now(), this.#engine === 'postgres' ? SWEEP_MS : Infinity);
    if (wait !== Infinity) this.#passes.later(Math.min(MAX_TIMER_MS, wait));
  }

  /** One claimed job: the user's current counts to every gateway; the outcome goes back to the store. */
  async #attempt(job: MwiJob): Promise<void> {
    let used = job.targets ?? '';
    try {
      const [target] = await mwiTargets(this.#db, [job.userId]);
      if (!target) {
        await completeMwiJob(this.#db, job, this.#server, Date.now()); // no gateway (any more): nothing to tell
        return;
      }
      used = targetsKey(target);
      const [counts] = await messageCounts(this.#db, [job.userId]);
      const c: MessageCounts = counts ?? { userId: job.userId, unread: 0, read: 0 };
      const refused = await this.#notifyUser(target, c);
      if (refused === undefined) {
        await recordNotified(this.#db, c);
        await completeMwiJob(this.#db, job, this.#server, Date.now());
        return;
      }
      await this.#retryLater(job, used, refused);
    } catch (e) {
      if (this.#passes.stopped) return; // stopping: the job went back to the queue
      countMwiFailure('send');
      this.#log.warn({ err: e, userId: job.userId }, 'MWI: NOTIFY failed');
      await this.#retryLater(job, used, (e as Error).message)
        .catch((e2: unknown) => this.#log.error({ err: e2, userId: job.userId }, 'MWI: could not record the failed attempt; its claim ends with its lease'));
    }
  }

  async #retryLater(job: MwiJob, used: string, error: string): Promise<void> {
    const delay = this.#retryMs[Math.min(job.attempts, this.#retryMs.length - 1)] ?? 3_600_000;
    // The operator corrected a gateway while this attempt ran: that is worth trying at once.
    const [current] = await mwiTargets(this.#db, [job.userId]);
    const wait = current && targetsKey(current) !== used ? 0 : delay;
    await failMwiJob(this.#db, job, this.#server, { error, targets: used, retryAt: new Date(Date.now() + wait).toISOString() }, Date.now());
    this.#log.info({ userId: job.userId, retryInMs: wait, failures: job.attempts + 1 }, 'MWI: will retry the NOTIFY');
  }

  /** Sends the counts to every gateway of the target; undefined when all answered 2xx, else why not. */
  async #notifyUser(target: MwiTarget, c: MessageCounts): Promise<string | undefined> {
    const settings = await getServer(this.#db, this.#server);
    const { fqdn } = settings;
    const gateways = target.gateways.filter((g) => !this.#isSelf(g, settings));
    const results = await Promise.all(gateways.map((g) => this.#notifyGateway(target, g, c, fqdn).then(
      (status) => ({ g, ok: status >= 200 && status < 300, why: `answered ${status}` }),
      (e: unknown) => ({ g, ok: false, why: (e as Error).message }),
    )));
    for (const r of results) {
      if (r.ok) this.#log.info({ userId: c.userId, gateway: r.g.name, unread: c.unread, read: c.read }, 'MWI: NOTIFY accepted');
      else {
        countMwiFailure('rejected');
        this.#log.warn({ userId: c.userId, gateway: r.g.name, reason: r.why }, 'MWI: NOTIFY not accepted');
      }
    }
    const refused = results.filter((r) => !r.ok);
    return refused.length === 0 ? undefined : refused.map((r) => `${r.g.name}: ${r.why}`).join('; ');
  }

  /**
   * A gateway set to this server's own SIP address and port would get the NOTIFY from the server
   * itself, which answers 405 to it, and the retries would never end: it gets none, and a warning.
   */
  #isSelf(g: IpGateway, settings: ServerSettings): boolean {
    const own = this.#sip?.transport.listenerFor({ protocol: 'tcp', address: g.address, port: g.port });
    if (!own || !isOwnSipAddress(g.address, g.port, own.address, settings.callRouter)) return false;
    if (!this.#warnedSelf.has(g.name)) {
      this.#warnedSelf.add(g.name);
      this.#log.warn({ gateway: g.name, address: g.address, port: g.port },
        "MWI: the gateway's address and port are this server's own SIP listener; no NOTIFY is sent to it (set the gateway's address to the PBX or SBC)");
    }
    return true;
  }

  /** One NOTIFY to one gateway; resolves with the final status (408 for a timeout). */
  async #notifyGateway(target: MwiTarget, g: IpGateway, c: MessageCounts, fqdn: string): Promise<number> {
    const client = this.#client;
    if (!client) throw new Error('no SIP stack');
    const protocol = target.voipSecurity === 'Unsecured' ? 'tcp' : 'tls';
    const response = await client.request({ protocol, address: g.address, port: g.port, ipAddressFamily: g.ipAddressFamily },
      (hop) => buildMwiNotify({ extension: target.extension, host: g.address, port: g.port },
        { fqdn, contactHost: hop.local.address, contactPort: hop.local.port, transport: protocol }, c));
    return response.status;
  }
}
