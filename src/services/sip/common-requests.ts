// What every role answers the same way: OPTIONS (gateways use it as a health check), CANCEL of a
// transaction that is already answered, and methods it does not serve (RFC 3261 §8.2.1: 405 with
// Allow for a method we know, 501 for one we do not).
import { buildResponse } from '../../sip/message/build.js';
import { getHeaders } from '../../sip/message/headers.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { ServerInviteTransaction, ServerTransaction } from '../../sip/transaction/transaction-layer.js';
import { ServerInviteState } from '../../sip/transaction/server-invite.js';

const KNOWN = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE']);
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS';
const tag = (): string => Math.random().toString(36).slice(2, 12);

/** Answers OPTIONS / CANCEL / unserved methods; returns false when the role must handle it. */
export function answerCommon(request: SipRequest, tx: ServerTransaction, cancelled: ServerInviteTransaction | undefined, served: ReadonlySet<string>): boolean {
  // §8.2.2.3: we support no extension (Supported is empty), so any Require option tag gets 420
  // with the tags in Unsupported. Never for CANCEL (§9.2) or ACK (RFC 4475 §3.3.5).
  if (request.method !== 'CANCEL') {
    const required = getHeaders(request, 'Require').flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
    if (required.length > 0) {
      tx.respond(buildResponse(request, 420, `Bad Extension - ${required.join(', ')} not supported`.slice(0, 96), {
        toTag: tag(), headers: [{ name: 'Unsupported', value: required.join(', ') }],
      }));
      return true;
    }
  }
  switch (request.method) {
    case 'OPTIONS':
      tx.respond(buildResponse(request, 200, 'OK', {
        toTag: tag(),
        headers: [{ name: 'Allow', value: ALLOW }, { name: 'Accept', value: 'application/sdp' }, { name: 'Supported', value: '' }],
      }));
      return true;
    case 'CANCEL':
      // §9.2: 481 if no matching transaction; else 200 to the CANCEL and 487 to the INVITE if it
      // has no final response yet.
      if (!cancelled) {
        tx.respond(buildResponse(request, 481, 'Call/Transaction Does Not Exist', { toTag: tag() }));
        return true;
      }
      tx.respond(buildResponse(request, 200, 'OK', { toTag: tag() }));
      if (cancelled.state === ServerInviteState.Proceeding) {
        cancelled.respond(buildResponse(cancelled.request, 487, 'Request Terminated', { toTag: tag() }));
      }
      return true;
    default:
      if (served.has(request.method)) return false;
      if (KNOWN.has(request.method)) {
        tx.respond(buildResponse(request, 405, 'Method Not Allowed', { toTag: tag(), headers: [{ name: 'Allow', value: ALLOW }] }));
      } else {
        tx.respond(buildResponse(request, 501, 'Not Implemented', { toTag: tag() }));
      }
      return true;
  }
}

export function redirectTo(request: SipRequest, contact: string, toTag: string) {
  return buildResponse(request, 302, 'Moved Temporarily', { toTag, headers: [{ name: 'Contact', value: `<${contact}>` }] });
}
