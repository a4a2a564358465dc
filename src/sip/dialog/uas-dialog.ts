// A dialog on the answering side (RFC 3261 §12.1.1, §13.3.1.4): created by the 2xx to an INVITE,
// confirmed by the ACK. The 2xx is retransmitted by the TU (here) on unreliable transports until
// the ACK arrives (T1 doubling to T2, for 64*T1); without an ACK the dialog sends BYE
// (§13.3.1.4). Requests within the dialog, both ways, are dialog.ts's.
import { buildResponse } from '../message/build.js';
import { getHeader, getHeaders, parseCSeq, parseNameAddr } from '../message/headers.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import type { WheelTimer } from '../transaction/timer-wheel.js';
import { timeout64 } from '../transaction/timers.js';
import type { RequestContext, ServerInviteTransaction, TransactionLayer } from '../transaction/transaction-layer.js';
import { ALLOW, Dialog, DialogState, newTag, type DialogEvents } from './dialog.js';

export { ALLOW, DialogState, newTag, type DialogEndReason } from './dialog.js';
export type UasDialogEvents = DialogEvents;

export class UasDialog extends Dialog {
  readonly invite: SipRequest;
  readonly #context: RequestContext;
  #ok: SipResponse | undefined;
  #retransmit: WheelTimer | undefined;
  #giveUp: WheelTimer | undefined;

  constructor(invite: SipRequest, layer: TransactionLayer, context: RequestContext, contact: string, events: DialogEvents = {}) {
    const from = parseNameAddr(getHeader(invite, 'From') ?? '');
    const contactHeader = getHeader(invite, 'Contact');
    const local = context.local.address;
    super({
      callId: getHeader(invite, 'Call-ID') ?? '',
      localTag: newTag(),
      remoteTag: String(from.params.get('tag') ?? ''),
      localUri: parseNameAddr(getHeader(invite, 'To') ?? '').uri,
      remoteUri: from.uri,
      // §12.1.1: remote target = Contact of the request; route set = Record-Route, in order.
      remoteTarget: contactHeader ? parseNameAddr(contactHeader).uri : from.uri,
      routeSet: getHeaders(invite, 'Record-Route'),
      localCSeq: 1,
      remoteCSeq: parseCSeq(getHeader(invite, 'CSeq') ?? '0 INVITE').seq,
      contact,
    }, layer, {
      // Within a dialog the requests go back to where the peer is (the SBC/gateway connection).
      dest: context.source,
      ...(context.connectionId !== undefined ? { connectionId: context.connectionId } : {}),
      viaHost: local.includes(':') ? `[${local}]` : local,
      viaPort: context.local.port,
    }, events);
    this.invite = invite;
    this.#context = context;
  }

  /** Sends the 2xx (with the SDP answer) through the INVITE server transaction. */
  accept(tx: ServerInviteTransaction, body: Buffer, contentType = 'application/sdp'): void {
    this.localBody = body;
    const ok = buildResponse(this.invite, 200, 'OK', {
      toTag: this.localTag,
      headers: [{ name: 'Contact', value: `<${this.contact}>` }, ...this.routeSet.map((value) => ({ name: 'Record-Route', value })), { name: 'Allow', value: ALLOW }],
      body,
      contentType,
    });
    this.#ok = ok;
    tx.respond(ok);
    if (this.#context.source.protocol === 'udp') this.#schedule2xx(this.layer.timers.T1);
    this.#giveUp = this.layer.wheel.schedule(timeout64(this.layer.timers), () => {
      if (this.state_ !== DialogState.Early) return;
      // §13.3.1.4: "If the server retransmits the 2xx response for 64*T1 seconds without
      // receiving an ACK, the dialog is confirmed, but the session SHOULD be terminated" with BYE.
      this.state_ = DialogState.Confirmed;
      this.bye('no-ack');
    });
  }

  /** The caller cancelled before the 2xx (§9.2). */
  cancelled(): void {
    this.end('cancelled');
  }

  protected override receiveAck(): void {
    if (this.state_ !== DialogState.Early) return;
    this.#retransmit?.cancel();
    this.#giveUp?.cancel();
    this.state_ = DialogState.Confirmed;
    this.events.onConfirmed?.();
  }

  protected override onEnded(): void {
    this.#retransmit?.cancel();
    this.#giveUp?.cancel();
  }

  #schedule2xx(interval: number): void {
    this.#retransmit = this.layer.wheel.schedule(interval, () => {
      if (this.state_ !== DialogState.Early || !this.#ok) return;
      this.layer.sendStateless(this.#ok, this.#context);
      this.#schedule2xx(Math.min(2 * interval, this.layer.timers.T2));
    });
  }
}
