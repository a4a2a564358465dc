// Responses built by a UAS or the transport (RFC 3261 §8.2.6).
import { randomBytes } from 'node:crypto';
import { headerKey } from './header-names.js';
import { splitList } from './grammar.js';
import { parseNameAddr } from './name-addr.js';
import { reasonPhrase } from './reason-phrases.js';
import { parseVia } from './via.js';
import type { SipParseError } from './errors.js';
import type { HeaderField, SipRequest, SipResponse } from './types.js';

export { reasonPhrase } from './reason-phrases.js';

export interface ResponseOptions {
  /** Added to To when the request's To has no tag (never on 100 Trying, §8.2.6.2). */
  toTag?: string;
  /** Extra headers, after the copied ones. */
  headers?: HeaderField[];
  body?: Buffer;
  /** Content-Type for the body (§20.15: MUST be present when the body is not empty). */
  contentType?: string;
}

const COPIED = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/**
 * §8.2.6.2: From, Call-ID, CSeq and every Via (in order) are copied; To is copied and gets the
 * UAS tag if it had none. §8.2.6.1: a 100 Trying copies Timestamp. Content-Length is left to
 * serializeMessage.
 */
export function buildResponse(req: SipRequest, status: number, reason?: string, options: ResponseOptions = {}): SipResponse {
  const headers: HeaderField[] = [];
  for (const h of req.headers) {
    const key = headerKey(h.name);
    if (key === 'to' && options.toTag !== undefined && status !== 100 && !hasTag(h.value)) {
      headers.push({ name: 'To', value: `${h.value};tag=${options.toTag}` });
    } else if (COPIED.has(key) || (status === 100 && key === 'timestamp')) {
      headers.push({ name: h.name, value: h.value });
    }
  }
  if (options.headers) headers.push(...options.headers);
  const body = options.body ?? Buffer.alloc(0);
  if (options.contentType !== undefined && body.length > 0) headers.push({ name: 'Content-Type', value: options.contentType });
  return { kind: 'response', status, reason: reason ?? reasonPhrase(status), headers, body };
}

function hasTag(to: string): boolean {
  try {
    return parseNameAddr(to, 'To').params.has('tag');
  } catch {
    return /;\s*tag\s*=/i.test(to);
  }
}

/** A random To tag (§19.3: at least 32 bits of randomness). */
export function newTag(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The response to a request that failed to parse (RFC 3261 §8.2.6, §16.3 item 1: "a 400 response
 * naming the problem"), from the fields the parser could read. Only a usable top Via is required:
 * it is where the response goes (§18.2.2). From, To, Call-ID and CSeq are copied as received when
 * present (the first of duplicates), so a request missing one still learns why it failed.
 * undefined for a response, an ACK (never answered, §17.2.3) or no usable top Via: the message is
 * dropped and counted by the caller.
 */
export function buildErrorResponse(err: SipParseError, toTag: string = newTag()): SipResponse | undefined {
  const partial = err.partial;
  if (!partial?.method || partial.method === 'ACK') return undefined;
  const vias: HeaderField[] = [];
  const first = new Map<string, HeaderField>();
  for (const h of partial.headers) {
    const key = headerKey(h.name);
    if (key === 'via') vias.push(h);
    else if (!first.has(key)) first.set(key, h);
  }
  if (vias.length === 0) return undefined;
  // Only the top Via routes the response (§18.2.2); the others are copied as received.
  const top = splitList(vias[0]!.value)[0];
  if (top === undefined || !usableVia(top)) return undefined;
  const copied = ['from', 'to', 'call-id', 'cseq'].map((k) => first.get(k)).filter((h): h is HeaderField => h !== undefined && h.value !== '');
  const req: SipRequest = { kind: 'request', method: partial.method, uri: '', body: Buffer.alloc(0), headers: [...vias, ...copied] };
  const to = first.get('to');
  // A To we cannot read is copied untouched rather than given a tag we could not place.
  return buildResponse(req, err.status, err.reason, to && readable(to.value) ? { toTag } : {});
}

// A sent-protocol and a sent-by we can read, whatever follows: RFC 4475 §3.1.2.1 (empty Via
// parameters) and §3.1.2.16 (SIP/7.0) expect a 400 and a 505, which need this much to be sent.
const LENIENT_VIA = /^SIP[ \t]*\/[ \t]*\d\.\d[ \t]*\/[ \t]*[A-Za-z]+[ \t]+(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?[ \t]*(?:;|$)/i;

function usableVia(top: string): boolean {
  try {
    parseVia(top);
    return true;
  } catch {
    return LENIENT_VIA.test(top.trim());
  }
}

function readable(to: string): boolean {
  try {
    parseNameAddr(to, 'To');
    return true;
  } catch {
    return false;
  }
}
