// A UM worker process's SIP side: answers the calls the UM service redirected to it (200 with an
// SDP answer), holds their dialogs, ends them on BYE/CANCEL or at the dial plan's maximum call
// duration, and hands each answered call to a call session (call-session.ts: media and the
// application registered for the call's type). The routing decision comes from the routing token
// the Call Router (or UM service) signed; a request without a valid token (sent here directly, or
// tampered, or late) is classified here from scratch with the same rules (routing/).
import type { Logger } from 'pino';
import type { MediaHost, MediaLease } from '../../media/media-host.js';
import { answerOffer } from '../../media/sdp-answer.js';
import type { Dialog } from '../../sip/dialog/dialog.js';
import { DialogTable, tagOf } from '../../sip/dialog/dialog-table.js';
import { refer } from '../../sip/dialog/refer.js';
import { UasDialog } from '../../sip/dialog/uas-dialog.js';
import { buildResponse } from '../../sip/message/build.js';
import { getHeader } from '../../sip/message/headers.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { WheelTimer } from '../../sip/transaction/timer-wheel.js';
import { ServerInviteState, type ServerInviteTransaction } from '../../sip/transaction/server-invite.js';
import type { RequestContext, ServerTransaction, TransactionLayer, TransactionUser } from '../../sip/transaction/transaction-layer.js';
import { applicationFor, CALL_TYPE_DESCRIPTION, type CallApplication } from '../../apps/registry.js';
import type { Routed } from '../routing/classify.js';
import { routeRequest, type RouteDeps } from '../routing/route-request.js';
import type { RefusalLog } from '../routing/refusal-log.js';
import { refusalResponse, respondRefusal, SipRefusal } from '../routing/sip-refusal.js';
import { storeRefusal } from '../routing/store-refusal.js';
import type { StoreHealthView } from '../../store/store-health.js';
import { answerCommon } from '../sip/common-requests.js';
import { toTagFor } from '../sip/to-tag.js';
import type { CallSession, CallSessionInput } from './call-session.js';
import { calledOf, callerOf } from './caller.js';
import { liveCallType, type LiveCall } from './live-call.js';
import { countCall } from '../ops/process-metrics.js';
import type { DiskAdmission } from './disk-admission.js';

export interface WorkerCallPolicy {
  /**
   * SIPSecured or Secured (the dial plan the x-um-dp parameter names): signalling must be TLS.
   * x-um-dp is not trusted to let a call in, only to refuse one early; the routing decision
   * checks the transport against its dial plan again.
   */
  requireTls: boolean;
}

export interface WorkerDeps {
  layer: TransactionLayer;
  capacity(): number;
  policy(dialPlanId: number | undefined): WorkerCallPolicy;
  /** The configured RTP range (openum service set --rtp-ports), read for each new call. */
  rtpPorts(): { min: number; max: number };
  /** Where calls' media runs: RTP ports are allocated there. */
  media: MediaHost;
  /** The routing view, token key and peer verifier (routing/route-request.ts). */
  routing: RouteDeps;
  /** The address to offer for media, given the one the INVITE arrived on. */
  mediaAddress(context: RequestContext): Promise<string>;
  /** Starts the session (media and application) of an answered call. */
  startCall(input: CallSessionInput): CallSession;
  log: Logger;
  onCallsChanged(count: number): void;
  /** This worker's number from 1, as the calls list shows it. */
  number?: number;
  /** The ring of last refusals this process keeps (GET /api/refusals). */
  refusals?: RefusalLog;
  /** 503 while the data directory's disk cannot take a message (disk-admission.ts). */
  disk?: Pick<DiskAdmission, 'refusal'>;
  /** The store's health: new calls get 503 while it is unreachable (calls in progress go on). */
  store?: StoreHealthView;
}

/** What the worker holds per call: its dialog (UAS, or UAC for Play on Phone) and its application. */
interface Call {
  dialog: Dialog;
  app: Pick<CallSession, 'terminate' | 'done'>;
  limit: WheelTimer | undefined;
  /** What GET /api/calls shows of it. */
  info: LiveCall;
}

const SERVED = new Set(['INVITE', 'BYE', 'INFO', 'UPDATE', 'NOTIFY']);

export class Worker implements TransactionUser {
  readonly #deps: WorkerDeps;
  readonly #calls = new DialogTable<Call>();
  #accepting = true;
  readonly #setups: (() => Promise<void>)[] = [];

  constructor(deps: WorkerDeps) {
    this.#deps = deps;
  }

  /** RTP/RTCP ports from the current range (a changed range applies to new calls). */
  #allocate(local: string): Promise<MediaLease> {
    return this.#deps.media.allocate(local, this.#deps.rtpPorts());
  }

  get calls(): number {
    return this.#calls.size;
  }

  /** RTP/RTCP ports for a call this worker places (Play on Phone). */
  allocatePorts(local: string): Promise<MediaLease> {
    return this.#allocate(local);
  }

  /**
   * An outbound call (Play on Phone): its dialog goes into the dialog table, so the gateway's BYE
   * or NOTIFY reaches it, and it counts as a call until its application is done.
   */
  adopt(dialog: Dialog, app: Pick<CallSession, 'terminate' | 'done'>, info: Omit<LiveCall, 'id' | 'role' | 'worker' | 'startedAt'>): void {
    this.#calls.set(dialog.id, { dialog, app, limit: undefined, info: this.#info(dialog.callId, info) });
    this.#deps.onCallsChanged(this.#calls.size);
    void app.done.finally(() => {
      this.#calls.delete(dialog.id);
      this.#deps.onCallsChanged(this.#calls.size);
    });
  }

  /** The calls in progress, as GET /api/calls lists them. */
  liveCalls(): LiveCall[] {
    return [...this.#calls.values()].map((c) => c.info);
  }

  #info(callId: string, info: Omit<LiveCall, 'id' | 'role' | 'worker' | 'startedAt'>): LiveCall {
    return { id: callId, role: 'worker', worker: this.#deps.number ?? 0, ...info, startedAt: new Date().toISOString() };
  }

  /** Draining: no new calls (503), the calls in progress go on. */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /** Ends every call with BYE (shutdown); resolves when their recordings are safely stored. */
  async hangUpAll(): Promise<void> {
    const calls = [...this.#calls.values()];
    for (const c of calls) {
      c.app.terminate('shutdown');
      c.dialog.bye('shutdown');
    }
    await Promise.all(calls.map((c) => c.app.done));
  }

  onRequest(request: SipRequest, tx: ServerTransaction | undefined, context: RequestContext, cancelled?: ServerInviteTransaction): void {
    const existing = this.#dialogOf(request);
    if (!tx) {
      existing?.dialog.receive(request, undefined); // the ACK for our 2xx
      return;
    }
    if (request.method === 'CANCEL') {
      answerCommon(request, tx, cancelled, SERVED);
      return;
    }
    if (existing) return existing.dialog.receive(request, tx);
    if (answerCommon(request, tx, cancelled, SERVED)) return;
    if (request.method !== 'INVITE' || hasToTag(request)) {
      tx.respond(buildResponse(request, 481, 'Call/Transaction Does Not Exist', { toTag: toTagFor(request) }));
      return;
    }
    const admitted = this.#admit(request, tx as ServerInviteTransaction, context);
    if (!admitted) return;
    // §17.2.1: a call that waits behind others may take longer than 200 ms to answer: 100 at once.
    if (this.#setups.length > 0) tx.respond(buildResponse(request, 100, 'Trying'));
    this.#setups.push(() => this.#setUp(request, tx as ServerInviteTransaction, context, admitted).catch((e: unknown) => {
      this.#deps.log.error({ err: e }, 'cannot answer call');
      this.#refuse(tx, request, new SipRefusal(500, 'Server Internal Error - the call could not be set up'), context);
    }));
    if (this.#setups.length === 1) setImmediate(() => this.#nextSetup());
  }

  /**
   * New calls are set up one per turn of the event loop: a burst of INVITEs must not hold up the
   * 20 ms media clock of the calls already up (their prompts would stutter).
   */
  #nextSetup(): void {
    const setup = this.#setups[0];
    if (!setup) return;
    void setup().finally(() => {
      this.#setups.shift();
      if (this.#setups.length > 0) setImmediate(() => this.#nextSetup());
    });
  }

  /** The checks a new call must pass, answered at once: what the call is, or the refusal sent. */
  #admit(request: SipRequest, tx: ServerInviteTransaction, context: RequestContext): Admitted | undefined {
    const r = this.#check(request, context);
    if (r instanceof SipRefusal) return void respondRefusal(tx, request, r, context, this.#deps.log, this.#deps.refusals);
    return r;
  }

  #check(request: SipRequest, context: RequestContext): Admitted | SipRefusal {
    if (!this.#accepting) return SipRefusal.unavailable('this UM worker is being recycled', 'recycling');
    const outage = storeRefusal(this.#deps.store);
    if (outage) return outage;
    if (this.#calls.size + this.#setups.length >= this.#deps.capacity()) return SipRefusal.unavailable('this UM worker is full', 'busy');
    const dp = /;x-um-dp=(\d+)/i.exec(request.uri)?.[1];
    if (this.#deps.policy(dp ? Number(dp) : undefined).requireTls && context.source.protocol !== 'tls') {
      return new SipRefusal(403, 'Forbidden - the dial plan requires TLS');
    }
    const { decision, how, tokenProblem } = routeRequest(request, context, this.#deps.routing);
    this.#deps.log.debug({ callId: getHeader(request, 'Call-ID'), how, tokenProblem, callType: decision instanceof SipRefusal ? undefined : decision.callType }, 'call routed');
    if (decision instanceof SipRefusal) return decision;
    const full = this.#deps.disk?.refusal(decision.dialPlan);
    if (full) {
      full.gateway = decision.gateway.name;
      return full;
    }
    const application = applicationFor(decision.callType);
    if (!application) return new SipRefusal(480, `Temporarily Unavailable - ${CALL_TYPE_DESCRIPTION[decision.callType]} is not available on this server yet`);
    if (request.body.length === 0) return new SipRefusal(488, 'Not Acceptable Here - an INVITE without an SDP offer is not supported');
    return { routed: decision, application };
  }

  async #setUp(request: SipRequest, tx: ServerInviteTransaction, context: RequestContext, { routed, application }: Admitted): Promise<void> {
    const plan = routed.dialPlan;
    const local = await this.#deps.mediaAddress(context);
    const ports = await this.#allocate(local);
    // A CANCEL may have answered the INVITE (487) while the ports were being found (§9.2).
    if (tx.state !== ServerInviteState.Proceeding) {
      ports.release();
      return;
    }
    const answer = answerOffer(request.body.toString('utf8'), { address: local, port: ports.port, sessionId: String(Date.now()) }, { requireSrtp: plan.voipSecurity === 'Secured' });
    if (!answer.ok) {
      ports.release();
      this.#deps.log.info({ reason: answer.reason, from: context.source.address }, 'call refused: SDP offer not acceptable');
      return this.#refuse(tx, request, new SipRefusal(488, `Not Acceptable Here - ${answer.reason}`), context, routed.gateway.name);
    }

    const host = context.local.address.includes(':') ? `[${context.local.address}]` : context.local.address;
    const contactHost = context.local.address === '0.0.0.0' || context.local.address === '::' ? (local.includes(':') ? `[${local}]` : local) : host;
    const contact = `sip:um@${contactHost}:${context.local.port};transport=${context.source.protocol}`;
    let maxCallReached = false;
    const dialog: UasDialog = new UasDialog(request, this.#deps.layer, context, contact, {
      onTerminated: (reason) => {
        const call = this.#calls.get(dialog.id);
        call?.limit?.cancel();
        call?.app.terminate(maxCallReached ? 'max-call' : reason === 'shutdown' ? 'shutdown' : reason === 'bye-sent' ? 'app' : 'caller');
        this.#deps.log.info({ callId: dialog.callId, reason }, 'dialog ended');
      },
    });
    const app = this.#deps.startCall({
      callId: dialog.callId, invite: request, routed, application, ports,
      media: { codec: answer.codec, payloadType: answer.payloadType, remote: answer.remote, ...(answer.telephoneEvent !== undefined ? { telephoneEvent: answer.telephoneEvent } : {}), ...(answer.srtp ? { srtp: answer.srtp } : {}) },
      transport: context.source.protocol,
      hangup: () => dialog.bye('bye-sent'),
      // Blind transfer (RFC 3515): REFER in this dialog, its progress followed through NOTIFY sipfrag.
      transfer: (target) => refer(dialog, target),
    });
    const limit = this.#deps.layer.wheel.schedule(plan.maxCallMinutes * 60_000, () => {
      maxCallReached = true;
      dialog.bye('bye-sent');
    });
    const info = this.#info(dialog.callId, {
      type: liveCallType(routed.callType), direction: 'inbound', from: callerOf(request).id, to: calledOf(request),
      gateway: routed.gateway.name, dialPlan: plan.name, user: routed.user?.name ?? null,
      transport: context.source.protocol, media: answer.secure ? 'SRTP' : 'RTP',
    });
    this.#calls.set(dialog.id, { dialog, app, limit, info });
    // The call counts until its application has finished (the message is on disk and in the store).
    void app.done.finally(() => {
      this.#calls.delete(dialog.id);
      this.#deps.onCallsChanged(this.#calls.size);
    });
    dialog.accept(tx, Buffer.from(answer.sdp));
    this.#deps.log.info({ callId: dialog.callId, callType: routed.callType, user: routed.user?.name, codec: answer.codec, srtp: answer.secure, rtpPort: ports.port, from: context.source.address }, 'call answered');
    this.#deps.onCallsChanged(this.#calls.size);
    countCall('worker', 'answered');
  }

  /** A refusal answered without the log line respondRefusal writes (that one is logged by the caller). */
  #refuse(tx: ServerTransaction, request: SipRequest, r: SipRefusal, context: RequestContext, gateway?: string): void {
    if (gateway) r.gateway = gateway;
    this.#deps.refusals?.record(request, r, context);
    tx.respond(refusalResponse(request, r));
  }

  /** The call of an in-dialog request, through the dialog table (RFC 3261 §12.2.2). */
  #dialogOf(request: SipRequest): Call | undefined {
    return this.#calls.match(request);
  }
}

interface Admitted {
  routed: Routed;
  application: CallApplication;
}

function hasToTag(request: SipRequest): boolean {
  return tagOf(getHeader(request, 'To')) !== '';
}
