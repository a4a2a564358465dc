// The UM service (back end, 5062 TCP / 5063 TLS, fixed): redirects each call to a worker process
// with room. MaxCallsAllowed bounds the calls of the whole service; all full → 503 + Retry-After.
// It trusts the Call Router's decision when the routing token verifies and passes the token on;
// a request without a valid one (sent here directly) is classified here, with the same rules, and
// the worker gets a token signed here.
import type { Logger } from 'pino';
import { getHeader } from '../../sip/message/headers.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { RequestContext, ServerInviteTransaction, ServerTransaction, TransactionUser } from '../../sip/transaction/transaction-layer.js';
import { redirectContact } from '../routing/redirect-contact.js';
import { claimsOf, routeRequest, tokenOf, type RouteDeps } from '../routing/route-request.js';
import type { RefusalLog } from '../routing/refusal-log.js';
import { respondRefusal, SipRefusal } from '../routing/sip-refusal.js';
import { storeRefusal } from '../routing/store-refusal.js';
import type { StoreHealthView } from '../../store/store-health.js';
import { answerCommon, redirectTo } from '../sip/common-requests.js';
import { toTagFor } from '../sip/to-tag.js';
import { countCall } from '../ops/process-metrics.js';

export interface WorkerSlot {
  index: number;
  ports: { tcp: number; tls: number };
  /** Which of its listeners are open (from its startup mode). */
  listening: { tcp: boolean; tls: boolean };
  calls: number;
  alive: boolean;
  draining: boolean;
}

export interface UmServiceDeps {
  workers(): WorkerSlot[];
  maxCalls(): number;
  routing: RouteDeps;
  log: Logger;
  /** The ring of last refusals this process keeps (GET /api/refusals). */
  refusals?: RefusalLog;
  /** The store's health: new calls get 503 while it is unreachable. */
  store?: StoreHealthView;
  /** True while the service drains for a restart (openum service restart um): new calls get 503. */
  draining?: () => boolean;
}

const SERVED = new Set(['INVITE']);

export class UmService implements TransactionUser {
  readonly #deps: UmServiceDeps;
  /** Redirects not yet seen as calls by the worker's report: counted for a few seconds. */
  readonly #pending = new Map<number, number[]>();
  readonly counters = { redirected: 0, busy: 0, refused: 0 };

  constructor(deps: UmServiceDeps) {
    this.#deps = deps;
  }

  onRequest(request: SipRequest, tx: ServerTransaction | undefined, context: RequestContext, cancelled?: ServerInviteTransaction): void {
    if (!tx) return;
    if (answerCommon(request, tx, cancelled, SERVED)) return;
    const refuse = (r: SipRefusal) => respondRefusal(tx, request, r, context, this.#deps.log, this.#deps.refusals);
    const outage = storeRefusal(this.#deps.store);
    if (outage) {
      this.counters.refused++;
      return refuse(outage);
    }
    if (this.#deps.draining?.()) {
      // Call Routers stop sending calls here as soon as the restart is asked; one already on its
      // way is refused, and the gateway's retry through a Call Router finds another UM service.
      this.counters.busy++;
      return refuse(SipRefusal.unavailable('this UM service is restarting', 'recycling'));
    }
    const { decision, how, tokenProblem } = routeRequest(request, context, this.#deps.routing);
    const callId = getHeader(request, 'Call-ID') ?? '';
    if (decision instanceof SipRefusal) {
      this.counters.refused++;
      return refuse(decision);
    }
    const tls = context.source.protocol === 'tls';
    const now = Date.now();
    const load = (w: WorkerSlot) => w.calls + (this.#pending.get(w.index)?.filter((t) => now - t < 5000).length ?? 0);
    const candidates = this.#deps.workers().filter((w) => w.alive && !w.draining && (tls ? w.listening.tls : w.listening.tcp));
    const total = candidates.reduce((n, w) => n + load(w), 0);
    const best = candidates.sort((a, b) => load(a) - load(b))[0];
    if (!best || total >= this.#deps.maxCalls()) {
      this.counters.busy++;
      return refuse(SipRefusal.unavailable(best ? `the UM service has ${total} calls (MaxCallsAllowed ${this.#deps.maxCalls()})` : 'no UM worker is available', 'busy'));
    }
    this.#pending.set(best.index, [...(this.#pending.get(best.index) ?? []).filter((t) => now - t < 5000), now]);
    // A verified token goes on unchanged (it is bound to this Call-ID and still valid); a call
    // classified here gets one signed here.
    const token = how === 'token' ? tokenOf(request) ?? '' : this.#deps.routing.tokens.sign(claimsOf(decision), callId);
    this.#deps.log.info({ callId, how, tokenProblem, callType: decision.callType, worker: best.index + 1 }, 'call routed');
    const hop = { host: context.local.address, port: tls ? best.ports.tls : best.ports.tcp, transport: context.source.protocol };
    tx.respond(redirectTo(request, redirectContact(request, decision, hop, token), toTagFor(request)));
    this.counters.redirected++;
    countCall('um-service', 'redirected');
  }

  /** Calls redirected to a worker in the last seconds that its report does not count yet: calls in set-up. */
  settingUp(): number {
    const now = Date.now();
    let n = 0;
    for (const times of this.#pending.values()) n += times.filter((t) => now - t < 5000).length;
    return n;
  }

  /** A worker reported its calls: the pending redirects it has now seen are dropped. */
  workerReported(index: number): void {
    this.#pending.delete(index);
  }
}
