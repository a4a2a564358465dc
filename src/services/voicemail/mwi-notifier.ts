// Message-waiting indication (RFC 3842) for the UM service: when a user's stored unread/read counts
// differ from those last notified (mwi_state), an unsolicited NOTIFY goes to every gateway that
// serves the user (org/mwi-targets.ts), over TCP for an Unsecured dial plan and TLS otherwise.
// mwi_state moves only once every gateway answered 2xx; a failure is retried with back-off, and
// the retry sends the counts current then. Event driven: callers say which users may have changed.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { buildMwiNotify } from '../../apps/mwi/notify-request.js';
import { mwiTargets, type MwiTarget } from '../../org/mwi-targets.js';
import type { IpGateway } from '../../org/organisation-types.js';
import { getServer, type ServerSettings } from '../../org/server-settings.js';
import { isOwnSipAddress } from '../../org/settings-guards.js';
import { messageCounts, notifiedCounts, recordNotified, type MessageCounts } from '../../org/voice-messages.js';
import type { Database } from '../../store/schema.js';
import { OutboundClient, type OutboundStack } from '../sip/outbound-client.js';
import { countMwiFailure } from '../ops/process-metrics.js';

/** The UM service's SIP stack, which the NOTIFYs go out on (through the shared outbound client). */
export type MwiSip = OutboundStack;

/** Back-off between attempts for one user: then every hour until it succeeds. */
export const MWI_RETRY_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];

interface UserState {
  running: boolean;
  again: boolean;
  failures: number;
  retry: NodeJS.Timeout | undefined;
  /** The gateways (address, port, security) the last failed attempt went to; see reconcile(). */
  targets: string | undefined;
}

/** What a retry depends on: a change here (a corrected gateway) is worth trying at once. */
const targetsKey = (t: MwiTarget): string => JSON.stringify([t.voipSecurity, t.gateways.map((g) => [g.address, g.port, g.ipAddressFamily])]);

export class MwiNotifier {
  readonly #db: Kysely<Database>;
  readonly #server: string;
  readonly #log: Logger;
  readonly #retryMs: readonly number[];
  #client: OutboundClient | undefined;
  #sip: MwiSip | undefined;
  /** Gateways already warned about being this server itself: warned once, not on every attempt. */
  readonly #warnedSelf = new Set<string>();
  readonly #users = new Map<number, UserState>();
  #stopped = false;

  constructor(deps: { db: Kysely<Database>; serverName: string; log: Logger; retryMs?: readonly number[] }) {
    this.#db = deps.db;
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
    if (this.#stopped || !this.#client) return;
    const current = new Map((await messageCounts(this.#db, userIds)).map((c) => [c.userId, c]));
    const notified = new Map((await notifiedCounts(this.#db)).map((c) => [c.userId, c]));
    // A user with a notified row but no stored message any more must be told 0/0.
    if (!userIds) for (const [id] of notified) if (!current.has(id)) current.set(id, { userId: id, unread: 0, read: 0 });
    const changed = [...current.values()].filter((c) => {
      const n = notified.get(c.userId) ?? { unread: 0, read: 0 };
      return n.unread !== c.unread || n.read !== c.read;
    });
    if (changed.length === 0) return;
    const targets = new Map((await mwiTargets(this.#db, changed.map((c) => c.userId))).map((t) => [t.userId, t]));
    for (const c of changed) {
      const t = targets.get(c.userId);
      if (!t) continue;
      // Every store change calls reconcile: a user waiting out a back-off keeps it unless the
      // gateways changed (the retry sends the counts current then); without this, each
      // unrelated change re-sent the NOTIFY at once (issue 10: 37 attempts in 8 minutes).
      const s = this.#users.get(c.userId);
      if (s && s.failures > 0 && (s.retry !== undefined || s.running) && s.targets === targetsKey(t)) continue;
      this.#schedule(c.userId, 0);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const s of this.#users.values()) clearTimeout(s.retry);
    this.#users.clear();
  }

  #state(userId: number): UserState {
    let s = this.#users.get(userId);
    if (!s) {
      s = { running: false, again: false, failures: 0, retry: undefined, targets: undefined };
      this.#users.set(userId, s);
    }
    return s;
  }

  /** One attempt at a time per user; a request while one runs makes it run again after. */
  #schedule(userId: number, delayMs: number): void {
    const s = this.#state(userId);
    if (s.running) {
      s.again = true;
      return;
    }
    clearTimeout(s.retry);
    s.retry = setTimeout(() => {
      s.retry = undefined;
      void this.#attempt(userId, s);
    }, delayMs);
    s.retry.unref();
  }

  async #attempt(userId: number, s: UserState): Promise<void> {
    if (this.#stopped) return;
    s.running = true;
    s.again = false;
    let ok = false;
    try {
      ok = await this.#notifyUser(userId, s);
    } catch (e) {
      countMwiFailure('send');
      this.#log.warn({ err: e, userId }, 'MWI: NOTIFY failed');
    } finally {
      s.running = false;
    }
    if (this.#stopped) return;
    if (ok) {
      s.failures = 0;
      if (s.again) this.#schedule(userId, 0);
      else this.#users.delete(userId);
      return;
    }
    const delay = this.#retryMs[Math.min(s.failures, this.#retryMs.length - 1)] ?? 3_600_000;
    s.failures++;
    this.#log.info({ userId, retryInMs: delay, failures: s.failures }, 'MWI: will retry the NOTIFY');
    this.#schedule(userId, s.again ? 0 : delay);
  }

  /** Sends the current counts to every gateway of the user; true when all answered 2xx. */
  async #notifyUser(userId: number, s: UserState): Promise<boolean> {
    const [target] = await mwiTargets(this.#db, [userId]);
    if (!target) return true; // no gateway (any more): nothing to tell
    s.targets = targetsKey(target);
    const [counts] = await messageCounts(this.#db, [userId]);
    const c: MessageCounts = counts ?? { userId, unread: 0, read: 0 };
    const settings = await getServer(this.#db, this.#server);
    const { fqdn } = settings;
    const gateways = target.gateways.filter((g) => !this.#isSelf(g, settings));
    const results = await Promise.all(gateways.map((g) => this.#notifyGateway(target, g, c, fqdn).then(
      (status) => ({ g, ok: status >= 200 && status < 300, why: `answered ${status}` }),
      (e: unknown) => ({ g, ok: false, why: (e as Error).message }),
    )));
    for (const r of results) {
      if (r.ok) this.#log.info({ userId, gateway: r.g.name, unread: c.unread, read: c.read }, 'MWI: NOTIFY accepted');
      else {
        countMwiFailure('rejected');
        this.#log.warn({ userId, gateway: r.g.name, reason: r.why }, 'MWI: NOTIFY not accepted');
      }
    }
    if (!results.every((r) => r.ok)) return false;
    await recordNotified(this.#db, c);
    return true;
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
