// The calling side (RFC 3261 §12.1.2, §13.2.2, §9.1). `UacInvite` sends an INVITE and makes the
// dialog from the response that carries a To tag: remote target from its Contact, route set from
// its Record-Route reversed, remote tag from To. The TU (here) ACKs each 2xx itself
// (§13.2.2.4), again for every retransmission of it; a 2xx from another fork is ACKed and ended
// with BYE. `cancel()` sends CANCEL once a provisional response has come (§9.1), and gives up
// 64*T1 later if no final response arrives.
import { randomBytes } from 'node:crypto';
import { getHeader, getHeaders, parseNameAddr } from '../message/headers.js';
import type { HeaderField, SipRequest, SipResponse } from '../message/types.js';
import { timeout64 } from '../transaction/timers.js';
import { newBranch, type ClientTransaction, type TransactionLayer } from '../transaction/transaction-layer.js';
import { Dialog, DialogState, newTag, type DialogEvents, type NextHop } from './dialog.js';
import { tagOf } from './dialog-table.js';

export class UacDialog extends Dialog {
  #ack: SipRequest | undefined;

  /** §12.1.2: the dialog state from the INVITE we sent and a response with a To tag. */
  static fromResponse(invite: SipRequest, response: SipResponse, layer: TransactionLayer, hop: NextHop, contact: string, events: DialogEvents): UacDialog {
    const to = parseNameAddr(getHeader(response, 'To') ?? '');
    const contactHeader = getHeader(response, 'Contact');
    const cseq = Number((getHeader(invite, 'CSeq') ?? '1').trim().split(/\s+/)[0]);
    return new UacDialog({
      callId: getHeader(invite, 'Call-ID') ?? '',
      localTag: tagOf(getHeader(invite, 'From')),
      remoteTag: String(to.params.get('tag') ?? ''),
      localUri: parseNameAddr(getHeader(invite, 'From') ?? '').uri,
      remoteUri: to.uri,
      remoteTarget: contactHeader ? parseNameAddr(contactHeader).uri : invite.uri,
      routeSet: getHeaders(response, 'Record-Route').reverse(),
      localCSeq: cseq,
      remoteCSeq: undefined,
      contact,
    }, layer, hop, events);
  }

  /** A 2xx (first or retransmitted) confirms the dialog and is ACKed (§13.2.2.4). */
  confirm(inviteCSeq: number, response: SipResponse): void {
    if (this.state_ === DialogState.Early) {
      // §13.2.2.4: an early dialog confirmed by a 2xx has its route set "recomputed based on the
      // 2xx response" (a 1xx may have come without the Record-Route), and its target with it.
      this.routeSet = getHeaders(response, 'Record-Route').reverse();
      const contact = getHeader(response, 'Contact');
      if (contact) this.remoteTarget_ = parseNameAddr(contact).uri;
      this.state_ = DialogState.Confirmed;
      this.events.onConfirmed?.();
    }
    this.#ack ??= {
      kind: 'request', method: 'ACK', uri: this.remoteTarget_, body: Buffer.alloc(0),
      headers: [
        { name: 'Via', value: `SIP/2.0/${this.hop.dest.protocol.toUpperCase()} ${this.hop.viaHost}:${this.hop.viaPort};branch=${newBranch()};rport` },
        ...this.requestHeaders('ACK', inviteCSeq),
      ],
    };
    void this.layer.sendAck(this.#ack, this.hop.dest, this.hop.connectionId !== undefined ? { connectionId: this.hop.connectionId } : {}).catch(() => undefined);
  }

  /** The early dialog ended without a 2xx (a final error response, or the INVITE timed out). */
  fail(): void {
    this.end('cancelled');
  }
}

export interface UacInviteOptions {
  layer: TransactionLayer;
  hop: NextHop;
  requestUri: string;
  /** Our URI (From) and the callee's (To). */
  from: string;
  to: string;
  /** Our Contact URI (where the peer sends requests within the dialog). */
  contact: string;
  body: Buffer;
  contentType?: string;
  headers?: HeaderField[];
  events?: DialogEvents & {
    onProvisional?(response: SipResponse): void;
  };
}

export type UacInviteResult =
  | { ok: true; dialog: UacDialog; response: SipResponse }
  | { ok: false; status: number; reason: string; response?: SipResponse };

export class UacInvite {
  readonly callId: string;
  readonly localTag: string;
  readonly request: SipRequest;
  /** The dialog once the 2xx came; settles once. */
  readonly result: Promise<UacInviteResult>;
  /** Early or confirmed dialogs by remote tag. */
  readonly #dialogs = new Map<string, UacDialog>();
  readonly #options: UacInviteOptions;
  #resolve!: (r: UacInviteResult) => void;
  #settled = false;
  #provisional = false;
  #cancelWanted = false;
  #cancelSent = false;
  #tx: ClientTransaction | undefined;
  #chosen: UacDialog | undefined;

  constructor(options: UacInviteOptions) {
    this.#options = options;
    this.callId = `${randomBytes(12).toString('hex')}@${options.hop.viaHost.replace(/[[\]]/g, '')}`;
    this.localTag = newTag();
    this.result = new Promise((resolve) => { this.#resolve = resolve; });
    const headers: HeaderField[] = [
      { name: 'From', value: `<${options.from}>;tag=${this.localTag}` },
      { name: 'To', value: `<${options.to}>` },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: '1 INVITE' },
      { name: 'Max-Forwards', value: '70' },
      { name: 'Contact', value: `<${options.contact}>` },
      { name: 'Allow', value: 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, UPDATE, REFER' },
      ...(options.headers ?? []),
      ...(options.body.length > 0 ? [{ name: 'Content-Type', value: options.contentType ?? 'application/sdp' }] : []),
    ];
    this.request = { kind: 'request', method: 'INVITE', uri: options.requestUri, headers, body: options.body };
  }

  /** The early or confirmed dialog with this remote tag (for the dialog table). */
  dialogs(): UacDialog[] {
    return [...this.#dialogs.values()];
  }

  start(onDialog: (d: UacDialog) => void = () => undefined): Promise<UacInviteResult> {
    const { layer, hop } = this.#options;
    this.#onDialog = onDialog;
    this.#tx = layer.request(this.request, hop.dest, {
      onProvisional: (r) => this.#provisionalResponse(r),
      onFinal: (r) => this.#final(r),
      onTimeout: () => this.#settle({ ok: false, status: 408, reason: 'Request Timeout - no answer from the gateway' }),
      onTerminated: () => this.#settle({ ok: false, status: 408, reason: 'Request Timeout - no final response' }),
    }, { ...(hop.connectionId !== undefined ? { connectionId: hop.connectionId } : {}), viaHost: hop.viaHost, viaPort: hop.viaPort });
    return this.result;
  }

  #onDialog: (d: UacDialog) => void = () => undefined;

  /** §9.1: CANCEL the INVITE (sent once a provisional response came). A 2xx that still arrives is ACKed and ended with BYE. */
  cancel(): void {
    if (this.#settled) return;
    this.#cancelWanted = true;
    if (this.#provisional) this.#sendCancel();
  }

  #dialogFor(response: SipResponse): UacDialog | undefined {
    const tag = tagOf(getHeader(response, 'To'));
    if (!tag) return undefined;
    let d = this.#dialogs.get(tag);
    if (!d) {
      const { layer, hop, contact, events = {} } = this.#options;
      // Only the dialog that became the call (or, before any did, each early one) reports its end:
      // a second fork ended with BYE must not end the call.
      const own: DialogEvents = { ...events, onTerminated: (r) => { if (!this.#chosen || this.#chosen === d) events.onTerminated?.(r); } };
      d = UacDialog.fromResponse(this.request, response, layer, hop, contact, own);
      this.#dialogs.set(tag, d);
      this.#onDialog(d);
    }
    return d;
  }

  #provisionalResponse(r: SipResponse): void {
    this.#provisional = true;
    if (r.status > 100) this.#dialogFor(r); // §12.1.2: an early dialog from a 1xx with a To tag
    this.#options.events?.onProvisional?.(r);
    if (this.#cancelWanted) this.#sendCancel();
  }

  #final(r: SipResponse): void {
    if (r.status >= 200 && r.status < 300) {
      const d = this.#dialogFor(r);
      if (!d) return;
      d.confirm(1, r);
      if (this.#chosen && this.#chosen !== d) {
        d.bye(); // §13.2.2.4: a 2xx from a second fork: ACK it, then BYE
        return;
      }
      if (this.#cancelWanted && !this.#chosen) {
        // The 2xx crossed our CANCEL: the call is up but no longer wanted.
        this.#chosen = d;
        d.bye();
        this.#settle({ ok: false, status: 487, reason: 'Request Terminated - cancelled' });
        return;
      }
      this.#chosen = d;
      this.#settle({ ok: true, dialog: d, response: r });
      return;
    }
    for (const d of this.#dialogs.values()) d.fail();
    this.#settle({ ok: false, status: r.status, reason: r.reason, response: r });
  }

  #sendCancel(): void {
    if (this.#cancelSent) return;
    this.#cancelSent = true;
    const { layer, hop } = this.#options;
    // §9.1: same Request-URI, Call-ID, To, From, CSeq number and top Via (so the same branch) as the INVITE.
    const pick = (name: string) => this.request.headers.filter((h) => h.name === name);
    const cancel: SipRequest = {
      kind: 'request', method: 'CANCEL', uri: this.request.uri, body: Buffer.alloc(0),
      headers: [...pick('Via').slice(0, 1), ...pick('Route'), ...pick('From'), ...pick('To'), ...pick('Call-ID'),
        { name: 'CSeq', value: '1 CANCEL' }, { name: 'Max-Forwards', value: '70' }],
    };
    layer.request(cancel, hop.dest, {}, { ...(hop.connectionId !== undefined ? { connectionId: hop.connectionId } : {}), viaHost: hop.viaHost, viaPort: hop.viaPort });
    // §9.1: no final response within 64*T1 of the CANCEL: consider the INVITE cancelled.
    layer.wheel.schedule(timeout64(layer.timers), () => this.#settle({ ok: false, status: 487, reason: 'Request Terminated - cancelled' }));
  }

  #settle(r: UacInviteResult): void {
    if (this.#settled) return;
    this.#settled = true;
    if (!r.ok) for (const d of this.#dialogs.values()) if (d !== this.#chosen) d.fail();
    this.#resolve(r);
  }

  /** The INVITE client transaction (tests). */
  get transaction(): ClientTransaction | undefined {
    return this.#tx;
  }
}
