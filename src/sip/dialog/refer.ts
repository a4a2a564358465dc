// Blind transfer as the transferor (RFC 3515): REFER with Refer-To (and Referred-By, RFC 3892)
// within the dialog. A 2xx creates an implicit subscription (§2.4.4): the peer reports the
// referred call in NOTIFYs with `Event: refer` and a message/sipfrag body (§2.4.5), each answered
// 200, until `Subscription-State: terminated`. A final sipfrag status 2xx is a transfer; >= 300,
// an error response to the REFER (403, 405, 501, …) or no answer is a refusal; the dialog ending
// first is a hang-up.
import { buildResponse } from '../message/build.js';
import { getHeader } from '../message/headers.js';
import type { SipRequest } from '../message/types.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { Dialog } from './dialog.js';

export type ReferResult =
  | { outcome: 'transferred' }
  | { outcome: 'refused'; status: number; reason: string }
  | { outcome: 'hangup' };

export interface ReferOptions {
  /** Referred-By (RFC 3892); default: the dialog's local URI. */
  referredBy?: string;
  /** How long to wait for the final NOTIFY after the 2xx (default 32 s). */
  notifyTimeoutMs?: number;
}

/** The status line of a message/sipfrag body (RFC 3420), e.g. `SIP/2.0 200 OK`. */
export function sipfragStatus(body: Buffer): { status: number; reason: string } | undefined {
  const m = /^SIP\/2\.0\s+(\d{3})\s*([^\r\n]*)/.exec(body.toString('utf8').trimStart());
  return m ? { status: Number(m[1]), reason: (m[2] ?? '').trim() } : undefined;
}

function isReferEvent(request: SipRequest, referCSeq: number): boolean {
  const event = (getHeader(request, 'Event') ?? '').trim();
  const [pkg, ...params] = event.split(';').map((p) => p.trim());
  if (pkg?.toLowerCase() !== 'refer') return false;
  // §2.4.6: the id parameter, when present, is the CSeq number of the REFER.
  const id = params.find((p) => /^id\s*=/i.test(p));
  return !id || Number(id.split('=')[1]) === referCSeq;
}

/** Sends REFER to `target` in `dialog` and follows the transfer to its outcome. */
export async function refer(dialog: Dialog, target: string, options: ReferOptions = {}): Promise<ReferResult> {
  let finish!: (r: ReferResult) => void;
  const done = new Promise<ReferResult>((resolve) => { finish = resolve; });
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let referCSeq = -1;
  let accepted = false;
  const early: SipRequest[] = [];
  const settle = (r: ReferResult): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    removeNotify();
    removeEnd();
    finish(r);
  };
  let last: { status: number; reason: string } | undefined;
  const onNotify = (request: SipRequest, tx: ServerTransaction): boolean => {
    if (referCSeq < 0) {
      // A NOTIFY may overtake the 202 (§2.4.4); it is answered now and read once the CSeq is known.
      if ((getHeader(request, 'Event') ?? '').trim().toLowerCase().startsWith('refer')) {
        early.push(request);
        tx.respond(buildResponse(request, 200, 'OK'));
        return true;
      }
      return false;
    }
    if (!isReferEvent(request, referCSeq)) return false;
    tx.respond(buildResponse(request, 200, 'OK'));
    readNotify(request);
    return true;
  };
  const readNotify = (request: SipRequest): void => {
    const frag = sipfragStatus(request.body);
    if (frag) last = frag;
    const terminated = /^\s*terminated/i.test(getHeader(request, 'Subscription-State') ?? '');
    if (frag && frag.status >= 300) return settle({ outcome: 'refused', status: frag.status, reason: frag.reason });
    if (frag && frag.status >= 200 && accepted) return settle({ outcome: 'transferred' });
    if (terminated && accepted) {
      settle(last && last.status >= 200 && last.status < 300 ? { outcome: 'transferred' }
        : { outcome: 'refused', status: last?.status ?? 487, reason: last ? last.reason : 'the subscription ended without a final status' });
    }
  };
  const removeNotify = dialog.addNotifyHandler(onNotify);
  const removeEnd = dialog.onEnd(() => settle({ outcome: 'hangup' }));
  const sent = dialog.request('REFER', {
    headers: [
      { name: 'Refer-To', value: `<${target}>` },
      { name: 'Referred-By', value: `<${options.referredBy ?? dialog.localIdentity}>` },
    ],
  });
  let response;
  try {
    response = await sent;
  } catch {
    settle({ outcome: 'hangup' });
    return done;
  }
  if (settled) return done;
  if (response.status >= 300) {
    settle({ outcome: 'refused', status: response.status, reason: response.reason });
    return done;
  }
  referCSeq = Number((getHeader(response, 'CSeq') ?? '').trim().split(/\s+/)[0]);
  accepted = true;
  for (const n of early.splice(0)) if (isReferEvent(n, referCSeq)) readNotify(n);
  if (!settled) {
    timer = setTimeout(() => settle(last && last.status >= 200 && last.status < 300 ? { outcome: 'transferred' }
      : { outcome: 'refused', status: 408, reason: 'Request Timeout - no final NOTIFY for the transfer' }), options.notifyTimeoutMs ?? 32_000);
  }
  return done;
}
