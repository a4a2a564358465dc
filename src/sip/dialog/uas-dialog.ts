// A dialog on the answering side (RFC 3261 §12.1.1, §12.2.2, §13.3.1.4, §15): created by the
// 2xx to an INVITE, confirmed by the ACK, ended by BYE from either side. The 2xx is retransmitted
// by the TU (here) on unreliable transports until the ACK arrives (T1 doubling to T2, for 64*T1);
// without an ACK the dialog sends BYE (§13.3.1.4).
import { randomBytes } from 'node:crypto';
import { buildResponse } from '../message/build.js';
import { getHeader, getHeaders, parseCSeq, parseNameAddr } from '../message/headers.js';
import type { HeaderField, SipRequest, SipResponse } from '../message/types.js';
import type { WheelTimer } from '../transaction/timer-wheel.js';
import { timeout64 } from '../transaction/timers.js';
import type { RequestContext, ServerInviteTransaction, ServerTransaction, TransactionLayer } from '../transaction/transaction-layer.js';

export enum DialogState {
  Early = 'Early',
  Confirmed = 'Confirmed',
  Terminated = 'Terminated',
}

export type DialogEndReason = 'bye-received' | 'bye-sent' | 'no-ack' | 'cancelled' | 'shutdown';

export interface UasDialogEvents {
  onConfirmed?(): void;
  onTerminated?(reason: DialogEndReason): void;
  /** A re-INVITE or UPDATE with a new offer: return the answer body (or undefined to keep the current one). */
  onReoffer?(request: SipRequest): Buffer | undefined;
}

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export class UasDialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Dialog ID as §12 defines it: Call-ID + local tag + remote tag. */
  readonly id: string;
  readonly invite: SipRequest;
  #state = DialogState.Early;
  #remoteCSeq: number;
  #localCSeq = 1;
  readonly #localUri: string;
  readonly #remoteUri: string;
  readonly #remoteTarget: string;
  readonly #routeSet: string[];
  readonly #layer: TransactionLayer;
  readonly #context: RequestContext;
  readonly #events: UasDialogEvents;
  #ok: SipResponse | undefined;
  #retransmit: WheelTimer | undefined;
  #giveUp: WheelTimer | undefined;
  #localBody: Buffer = Buffer.alloc(0);
  #contact: string;

  constructor(invite: SipRequest, layer: TransactionLayer, context: RequestContext, contact: string, events: UasDialogEvents = {}) {
    this.invite = invite;
    this.#layer = layer;
    this.#context = context;
    this.#events = events;
    this.#contact = contact;
    this.callId = getHeader(invite, 'Call-ID') ?? '';
    this.localTag = newTag();
    const from = parseNameAddr(getHeader(invite, 'From') ?? '');
    this.remoteTag = String(from.params.get('tag') ?? '');
    this.id = `${this.callId}|${this.localTag}|${this.remoteTag}`;
    this.#remoteUri = from.uri;
    this.#localUri = parseNameAddr(getHeader(invite, 'To') ?? '').uri;
    // §12.1.1: remote target = Contact of the request; route set = Record-Route, in order.
    const contactHeader = getHeader(invite, 'Contact');
    this.#remoteTarget = contactHeader ? parseNameAddr(contactHeader).uri : this.#remoteUri;
    this.#routeSet = getHeaders(invite, 'Record-Route');
    this.#remoteCSeq = parseCSeq(getHeader(invite, 'CSeq') ?? '0 INVITE').seq;
  }

  get state(): DialogState {
    return this.#state;
  }

  get remoteTarget(): string {
    return this.#remoteTarget;
  }

  /** Sends the 2xx (with the SDP answer) through the INVITE server transaction. */
  accept(tx: ServerInviteTransaction, body: Buffer, contentType = 'application/sdp'): void {
    this.#localBody = body;
    const ok = buildResponse(this.invite, 200, 'OK', {
      toTag: this.localTag,
      headers: [{ name: 'Contact', value: `<${this.#contact}>` }, ...this.#recordRoutes(), { name: 'Allow', value: ALLOW }],
      body,
      contentType,
    });
    this.#ok = ok;
    tx.respond(ok);
    if (this.#context.source.protocol === 'udp') this.#schedule2xx(this.#layer.timers.T1);
    this.#giveUp = this.#layer.wheel.schedule(timeout64(this.#layer.timers), () => {
      if (this.#state !== DialogState.Early) return;
      // §13.3.1.4: "If the server retransmits the 2xx response for 64*T1 seconds without
      // receiving an ACK, the dialog is confirmed, but the session SHOULD be terminated" with BYE.
      this.#state = DialogState.Confirmed;
      this.bye('no-ack');
    });
  }

  /** An in-dialog request (matched by Call-ID and tags), or the ACK for our 2xx. */
  receive(request: SipRequest, tx: ServerTransaction | undefined): void {
    if (request.method === 'ACK') {
      if (this.#state === DialogState.Early) {
        this.#retransmit?.cancel();
        this.#giveUp?.cancel();
        this.#state = DialogState.Confirmed;
        this.#events.onConfirmed?.();
      }
      return;
    }
    if (!tx) return;
    const cseq = parseCSeq(getHeader(request, 'CSeq') ?? '0 X').seq;
    // §12.2.2: a request with a lower CSeq than the last one is out of order → 500.
    if (cseq < this.#remoteCSeq) {
      tx.respond(buildResponse(request, 500, 'Server Internal Error - CSeq out of order', { toTag: this.localTag }));
      return;
    }
    this.#remoteCSeq = cseq;
    switch (request.method) {
      case 'BYE':
        tx.respond(buildResponse(request, 200, 'OK', { toTag: this.localTag }));
        this.#end('bye-received');
        return;
      case 'INVITE':
      case 'UPDATE': {
        const answer = request.body.length > 0 ? this.#events.onReoffer?.(request) : undefined;
        if (answer) this.#localBody = answer;
        tx.respond(buildResponse(request, 200, 'OK', {
          toTag: this.localTag,
          headers: [{ name: 'Contact', value: `<${this.#contact}>` }],
          body: this.#localBody,
          contentType: 'application/sdp',
        }));
        return;
      }
      case 'INFO':
      case 'OPTIONS':
      case 'NOTIFY':
        tx.respond(buildResponse(request, 200, 'OK', { toTag: this.localTag }));
        return;
      default:
        tx.respond(buildResponse(request, 405, 'Method Not Allowed', { toTag: this.localTag, headers: [{ name: 'Allow', value: ALLOW }] }));
    }
  }

  /** Ends the call from our side with a BYE (§15.1.1) through the route set to the remote target. */
  bye(reason: DialogEndReason = 'bye-sent'): void {
    if (this.#state === DialogState.Terminated) return;
    const headers: HeaderField[] = [
      ...this.#routeSet.slice().reverse().map((r) => ({ name: 'Route', value: r })),
      { name: 'From', value: `<${this.#localUri}>;tag=${this.localTag}` },
      { name: 'To', value: `<${this.#remoteUri}>;tag=${this.remoteTag}` },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${++this.#localCSeq} BYE` },
      { name: 'Max-Forwards', value: '70' },
    ];
    const bye: SipRequest = { kind: 'request', method: 'BYE', uri: this.#remoteTarget, headers, body: Buffer.alloc(0) };
    // Within a dialog the request goes back to where the peer is (the SBC/gateway connection).
    this.#layer.request(bye, this.#context.source, {}, {
      connectionId: this.#context.connectionId,
      viaHost: this.#context.local.address.includes(':') ? `[${this.#context.local.address}]` : this.#context.local.address,
      viaPort: this.#context.local.port,
    });
    this.#end(reason);
  }

  /** The caller cancelled before the 2xx (§9.2). */
  cancelled(): void {
    this.#end('cancelled');
  }

  #recordRoutes(): HeaderField[] {
    return this.#routeSet.map((value) => ({ name: 'Record-Route', value }));
  }

  #schedule2xx(interval: number): void {
    this.#retransmit = this.#layer.wheel.schedule(interval, () => {
      if (this.#state !== DialogState.Early || !this.#ok) return;
      this.#layer.sendStateless(this.#ok, this.#context);
      this.#schedule2xx(Math.min(2 * interval, this.#layer.timers.T2));
    });
  }

  #end(reason: DialogEndReason): void {
    if (this.#state === DialogState.Terminated) return;
    this.#retransmit?.cancel();
    this.#giveUp?.cancel();
    this.#state = DialogState.Terminated;
    this.#events.onTerminated?.(reason);
  }
}

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, UPDATE';
