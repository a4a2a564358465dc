// The unsolicited NOTIFY that carries a message-waiting indication to a gateway or IP PBX: the way
// Exchange UM lights a phone's lamp, without a SUBSCRIBE from the gateway (RFC 3842 §3.8 for the
// event package, RFC 6665 §8.1.2 / §4.1.3 for NOTIFY).
//
// Subscription-State: RFC 6665 §4.1.3 (and §8.2.3's grammar) makes it mandatory in every NOTIFY,
// but an unsolicited NOTIFY belongs to no subscription, so no value is exactly right. We send
// "active" with no expires: it is what gateways that accept unsolicited MWI (Cisco CUBE/CUCM,
// AudioCodes, Ribbon SBCs in Exchange UM deployments, IP phones) expect and act on, whereas
// "terminated" tells an RFC 6665 stack that a subscription has ended (§4.1.3: the NOTIFY ends
// it), and several stacks then drop the body instead of updating the lamp.
import { randomBytes } from 'node:crypto';
import type { SipRequest } from '../../sip/message/types.js';
import { MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE, messageSummaryBody, type MessageSummary } from './message-summary.js';

export interface NotifyTarget {
  /** The user's extension: the user part of the Request-URI and To. */
  extension: string;
  /** The gateway's address (IP or FQDN) and port, as configured. */
  host: string;
  port: number;
}

export interface NotifyOrigin {
  /** The server's FQDN: From and Message-Account are in its domain. */
  fqdn: string;
  /** Where this end of the connection is (Contact, §8.1.1.8). */
  contactHost: string;
  contactPort: number;
  transport: 'tcp' | 'tls';
}

const hostPart = (h: string): string => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);

/**
 * NOTIFY sip:<extension>@<gateway>:<port> with Event: message-summary and the RFC 3842 body.
 * Every NOTIFY is a new out-of-dialog request (§8.1.1): fresh Call-ID and From tag, CSeq 1. The
 * transaction layer adds the Via.
 */
export function buildMwiNotify(target: NotifyTarget, origin: NotifyOrigin, counts: { unread: number; read: number }): SipRequest {
  const uri = `sip:${target.extension}@${hostPart(target.host)}:${target.port}`;
  const summary: MessageSummary = { account: `sip:${target.extension}@${origin.fqdn}`, ...counts };
  const tag = randomBytes(6).toString('hex');
  return {
    kind: 'request',
    method: 'NOTIFY',
    uri,
    headers: [
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:voicemail@${origin.fqdn}>;tag=${tag}` },
      { name: 'To', value: `<${uri}>` },
      { name: 'Call-ID', value: `${randomBytes(12).toString('hex')}@${origin.fqdn}` },
      { name: 'CSeq', value: '1 NOTIFY' },
      { name: 'Contact', value: `<sip:voicemail@${hostPart(origin.contactHost)}:${origin.contactPort};transport=${origin.transport}>` },
      { name: 'Event', value: MESSAGE_SUMMARY_EVENT },
      { name: 'Subscription-State', value: 'active' },
      { name: 'Content-Type', value: MESSAGE_SUMMARY_TYPE },
    ],
    body: Buffer.from(messageSummaryBody(summary), 'utf8'),
  };
}
