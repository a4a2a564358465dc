// The UM service (back end, 5062 TCP / 5063 TLS, fixed): redirects each call to a worker process
// with room. MaxCallsAllowed bounds the calls of the whole service; all full → 503 + Retry-After.
import type { Logger } from 'pino';
import { buildResponse } from '../../sip/message/build.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { RequestContext, ServerInviteTransaction, ServerTransaction, TransactionUser } from '../../sip/transaction/transaction-layer.js';
import { identifyGateway } from '../call-router/classify.js';
import { toTagFor } from '../call-router/call-router.js';
import type { RoutingView } from '../call-router/routing-view.js';
import { answerCommon, redirectTo } from '../sip/common-requests.js';
import type { PeerVerifier } from '../sip/peer-verifier.js';

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
  view(): RoutingView;
  verifier: PeerVerifier;
  log: Logger;
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
    const refuse = (status: number, reason: string, retryAfter?: number) => {
      this.#deps.log.info({ status, reason, from: `${context.source.protocol}:${context.source.address}` }, 'UM service refused call');
      tx.respond(buildResponse(request, status, reason, { toTag: toTagFor(request), headers: retryAfter ? [{ name: 'Retry-After', value: String(retryAfter) }] : [] }));
    };
    // Only gateways reach the UM service (the Call Router sent them); check it the same way.
    const peer = context.source.protocol === 'tls' ? this.#deps.verifier.verify(context.peer) : undefined;
    const gw = identifyGateway({ protocol: context.source.protocol, sourceIp: context.source.address, peer }, this.#deps.view());
    if ('ok' in gw) {
      this.counters.refused++;
      return refuse(gw.status, gw.reason);
    }
    const tls = context.source.protocol === 'tls';
    const now = Date.now();
    const load = (w: WorkerSlot) => w.calls + (this.#pending.get(w.index)?.filter((t) => now - t < 5000).length ?? 0);
    const candidates = this.#deps.workers().filter((w) => w.alive && !w.draining && (tls ? w.listening.tls : w.listening.tcp));
    const total = candidates.reduce((n, w) => n + load(w), 0);
    const best = candidates.sort((a, b) => load(a) - load(b))[0];
    if (!best || total >= this.#deps.maxCalls()) {
      this.counters.busy++;
      return refuse(503, `Service Unavailable - ${best ? `the UM service has ${total} calls (MaxCallsAllowed ${this.#deps.maxCalls()})` : 'no UM worker is available'}`, 30);
    }
    this.#pending.set(best.index, [...(this.#pending.get(best.index) ?? []).filter((t) => now - t < 5000), now]);
    const port = tls ? best.ports.tls : best.ports.tcp;
    const host = context.local.address.includes(':') ? `[${context.local.address}]` : context.local.address;
    const userPart = /^sips?:([^@;>]+)@/i.exec(request.uri)?.[1] ?? 'um';
    const params = request.uri.split(';').slice(1).filter((p) => /^x-um-/i.test(p));
    tx.respond(redirectTo(request, `sip:${userPart}@${host}:${port};transport=${context.source.protocol};${params.join(';')}`.replace(/;$/, ''), toTagFor(request)));
    this.counters.redirected++;
  }

  /** A worker reported its calls: the pending redirects it has now seen are dropped. */
  workerReported(index: number): void {
    this.#pending.delete(index);
  }
}
