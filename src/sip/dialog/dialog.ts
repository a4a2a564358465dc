// What UAS and UAC dialogs share (RFC 3261 §12.2): requests within the dialog both ways. Sending
// (§12.2.1.1): Request-URI is the remote target, Route the route set, From/To carry the local and
// remote URI and tags, CSeq counts up from the last local one. Receiving (§12.2.2): a CSeq lower
// than the last remote one is out of order (500); BYE ends the dialog (§15.1.2); re-INVITE and
// UPDATE are answered with the current (or a new) SDP; NOTIFY for a REFER goes to its subscription
// (refer.ts); INFO, OPTIONS, other NOTIFYs and REFER go to the dialog's events.
import { randomBytes } from 'node:crypto';
import { buildResponse } from '../message/build.js';
import { getHeader, parseCSeq } from '../message/headers.js';
import type { HeaderField, SipRequest, SipResponse } from '../message/types.js';
import type { ServerTransaction, TransactionLayer } from '../transaction/transaction-layer.js';
import type { Endpoint } from '../transport/types.js';
import { dialogId } from './dialog-table.js';

export enum DialogState {
  Early = 'Early',
  Confirmed = 'Confirmed',
  Terminated = 'Terminated',
}

export type DialogEndReason = 'bye-received' | 'bye-sent' | 'no-ack' | 'cancelled' | 'shutdown';

export interface DialogEvents {
  onConfirmed?(): void;
  onTerminated?(reason: DialogEndReason): void;
  /** A re-INVITE or UPDATE with a new offer: return the answer body (or undefined to keep the current one). */
  onReoffer?(request: SipRequest): Buffer | undefined;
  /** INFO (e.g. application/dtmf-relay): answered 200. */
  onInfo?(request: SipRequest): void;
  /** A REFER from the peer (we would be the transferee): the status to answer; without a handler, 405. */
  onRefer?(request: SipRequest): { status: number; reason: string };
  /** A NOTIFY that belongs to no REFER of ours: answered 200. */
  onNotify?(request: SipRequest): void;
}

/** Where the dialog's requests go: the peer we talk to (gateway or SBC) and how we name ourselves in Via. */
export interface NextHop {
  dest: Endpoint;
  /** TCP/TLS: the connection to reuse (the one the dialog was set up on). */
  connectionId?: string;
  viaHost: string;
  viaPort: number;
}

/** A NOTIFY handed to the subscription it belongs to; true when it took it (and answered it). */
export type NotifyHandler = (request: SipRequest, tx: ServerTransaction) => boolean;

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, UPDATE, REFER';

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export interface DialogInit {
  callId: string;
  localTag: string;
  remoteTag: string;
  localUri: string;
  remoteUri: string;
  remoteTarget: string;
  /** In the order the Route header lists it (§12.1.1 UAS: Record-Route as is; §12.1.2 UAC: reversed). */
  routeSet: string[];
  localCSeq: number;
  /** Undefined: empty until the peer's first request (§12.1.2). */
  remoteCSeq: number | undefined;
  contact: string;
}

export abstract class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Dialog ID as §12 defines it: Call-ID + local tag + remote tag. */
  readonly id: string;
  protected state_ = DialogState.Early;
  protected localCSeq: number;
  protected remoteCSeq: number | undefined;
  protected readonly localUri: string;
  protected readonly remoteUri: string;
  protected remoteTarget_: string;
  protected routeSet: string[];
  protected readonly contact: string;
  protected localBody: Buffer = Buffer.alloc(0);
  protected readonly layer: TransactionLayer;
  readonly hop: NextHop;
  protected readonly events: DialogEvents;
  readonly #notifyHandlers = new Set<NotifyHandler>();
  readonly #endWaiters = new Set<(reason: DialogEndReason) => void>();

  constructor(init: DialogInit, layer: TransactionLayer, hop: NextHop, events: DialogEvents) {
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.id = dialogId(init.callId, init.localTag, init.remoteTag);
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.remoteTarget_ = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localCSeq = init.localCSeq;
    this.remoteCSeq = init.remoteCSeq;
    this.contact = init.contact;
    this.layer = layer;
    this.hop = hop;
    this.events = events;
  }

  get state(): DialogState {
    return this.state_;
  }

  get remoteTarget(): string {
    return this.remoteTarget_;
  }

  /** The local URI (From of our requests), e.g. for Referred-By. */
  get localIdentity(): string {
    return this.localUri;
  }

  /** Lets a subscription (REFER's) see NOTIFYs first; returns the function that removes it. */
  addNotifyHandler(handler: NotifyHandler): () => void {
    this.#notifyHandlers.add(handler);
    return () => this.#notifyHandlers.delete(handler);
  }

  /** Called once when the dialog ends (at once if it has ended); returns the function that removes it. */
  onEnd(waiter: (reason: DialogEndReason) => void): () => void {
    if (this.state_ === DialogState.Terminated) {
      waiter('bye-sent');
      return () => undefined;
    }
    this.#endWaiters.add(waiter);
    return () => this.#endWaiters.delete(waiter);
  }

  /** Headers common to every request in the dialog (§12.2.1.1), with a new local CSeq. */
  protected requestHeaders(method: string, cseq = ++this.localCSeq): HeaderField[] {
    return [
      ...this.routeSet.map((r) => ({ name: 'Route', value: r })),
      { name: 'From', value: `<${this.localUri}>;tag=${this.localTag}` },
      { name: 'To', value: `<${this.remoteUri}>;tag=${this.remoteTag}` },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${cseq} ${method}` },
      { name: 'Max-Forwards', value: '70' },
    ];
  }

  /**
   * Sends a request within the dialog and resolves with its final response (a timeout or a
   * transport failure resolves as 408, §8.1.3.1). Rejects once the dialog has ended.
   */
  request(method: string, options: { headers?: HeaderField[]; body?: Buffer; contentType?: string } = {}): Promise<SipResponse> {
    if (this.state_ === DialogState.Terminated) return Promise.reject(new Error(`the dialog has ended: cannot send ${method}`));
    return this.#send(method, options);
  }

  #send(method: string, options: { headers?: HeaderField[]; body?: Buffer; contentType?: string }): Promise<SipResponse> {
    const body = options.body ?? Buffer.alloc(0);
    const refreshes = method === 'INVITE' || method === 'UPDATE' || method === 'REFER' || method === 'NOTIFY' || method === 'SUBSCRIBE';
    const headers: HeaderField[] = [
      ...this.requestHeaders(method),
      ...(refreshes ? [{ name: 'Contact', value: `<${this.contact}>` }] : []),
      ...(options.headers ?? []),
      ...(body.length > 0 ? [{ name: 'Content-Type', value: options.contentType ?? 'application/sdp' }] : []),
    ];
    const request: SipRequest = { kind: 'request', method, uri: this.remoteTarget_, headers, body };
    const done = new Promise<SipResponse>((resolve) => {
      let settled = false;
      const settle = (r: SipResponse) => { if (!settled) { settled = true; resolve(r); } };
      const timeout = (): void => settle({ kind: 'response', status: 408, reason: 'Request Timeout', headers: [], body: Buffer.alloc(0) });
      this.layer.request(request, this.hop.dest, {
        onFinal: (r) => settle(r),
        onTimeout: timeout,
        onTerminated: timeout,
      }, { connectionId: this.hop.connectionId, viaHost: this.hop.viaHost, viaPort: this.hop.viaPort });
    });
    return done;
  }

  /** Ends the call from our side with a BYE (§15.1.1). */
  bye(reason: DialogEndReason = 'bye-sent'): void {
    if (this.state_ === DialogState.Terminated) return;
    this.#send('BYE', {}).catch(() => undefined);
    this.end(reason);
  }

  /** An in-dialog request from the peer (matched in the dialog table), or the ACK for our 2xx. */
  receive(request: SipRequest, tx: ServerTransaction | undefined): void {
    if (request.method === 'ACK') return this.receiveAck(request);
    if (!tx) return;
    const cseq = parseCSeq(getHeader(request, 'CSeq') ?? '0 X').seq;
    // §12.2.2: "If the remote sequence number was not empty, but the sequence number of the
    // request is lower than the remote sequence number, the request is out of order and MUST be
    // rejected with a 500".
    if (this.remoteCSeq !== undefined && cseq < this.remoteCSeq) {
      tx.respond(buildResponse(request, 500, 'Server Internal Error - CSeq out of order', { toTag: this.localTag }));
      return;
    }
    this.remoteCSeq = cseq;
    const answer = (status: number, reason: string, headers: HeaderField[] = []) =>
      tx.respond(buildResponse(request, status, reason, { toTag: this.localTag, headers }));
    switch (request.method) {
      case 'BYE':
        answer(200, 'OK');
        this.end('bye-received');
        return;
      case 'INVITE':
      case 'UPDATE': {
        const offer = request.body.length > 0 ? this.events.onReoffer?.(request) : undefined;
        if (offer) this.localBody = offer;
        tx.respond(buildResponse(request, 200, 'OK', {
          toTag: this.localTag,
          headers: [{ name: 'Contact', value: `<${this.contact}>` }],
          body: this.localBody,
          contentType: 'application/sdp',
        }));
        return;
      }
      case 'NOTIFY':
        for (const h of this.#notifyHandlers) if (h(request, tx)) return;
        this.events.onNotify?.(request);
        answer(200, 'OK');
        return;
      case 'INFO':
        this.events.onInfo?.(request);
        answer(200, 'OK');
        return;
      case 'OPTIONS':
        answer(200, 'OK', [{ name: 'Allow', value: ALLOW }]);
        return;
      case 'REFER': {
        if (!this.events.onRefer) return answer(405, 'Method Not Allowed - this server does not take transfers', [{ name: 'Allow', value: ALLOW.replace(', REFER', '') }]);
        const r = this.events.onRefer(request);
        answer(r.status, r.reason);
        return;
      }
      default:
        answer(405, 'Method Not Allowed', [{ name: 'Allow', value: ALLOW }]);
    }
  }

  /** The ACK of a 2xx we sent (UAS); a UAC ignores ACKs. */
  protected receiveAck(_ack: SipRequest): void {
    return undefined;
  }

  protected end(reason: DialogEndReason): void {
    if (this.state_ === DialogState.Terminated) return;
    this.state_ = DialogState.Terminated;
    this.onEnded();
    for (const w of [...this.#endWaiters]) w(reason);
    this.#endWaiters.clear();
    this.events.onTerminated?.(reason);
  }

  /** Subclasses stop their timers here. */
  protected onEnded(): void {
    return undefined;
  }
}
