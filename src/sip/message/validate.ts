// Checks on the headers every message needs (RFC 3261 §8.1.1: To, From, CSeq, Call-ID,
// Max-Forwards and Via in every request; §8.2.2 / §16.3 validate them). Responses need the same
// fields for transaction matching (§17.1.3), except that the CSeq method is not compared.
import { badRequest } from './errors.js';
import { headerKey } from './header-names.js';
import { splitList } from './grammar.js';
import { parseNameAddr } from './name-addr.js';
import { parseCSeq, parseContentLength, parseMaxForwards } from './values.js';
import { parseVia } from './via.js';
import type { HeaderField } from './types.js';

// Call-ID = word [ "@" word ] (§25.1)
const WORD = "[A-Za-z0-9\\-.!%*_+`'~()<>:\\\\\"/\\[\\]?{}]+";
const CALL_ID = new RegExp(`^${WORD}(?:@${WORD})?$`);

interface Found {
  vias: string[];
  from?: string;
  to?: string;
  callId?: string;
  cseq?: string;
  maxForwards?: string;
  contentLength?: string;
}

const SINGLE: Record<string, keyof Omit<Found, 'vias'>> = {
  from: 'from', to: 'to', 'call-id': 'callId', cseq: 'cseq', 'max-forwards': 'maxForwards',
};
const DISPLAY: Record<string, string> = {
  from: 'From', to: 'To', callId: 'Call-ID', cseq: 'CSeq', maxForwards: 'Max-Forwards',
};

function collect(headers: HeaderField[]): Found {
  const found: Found = { vias: [] };
  for (const h of headers) {
    const key = headerKey(h.name);
    if (key === 'via') {
      found.vias.push(...splitList(h.value));
    } else if (key === 'content-length') {
      // Repeated Content-Length is tolerated only when every copy agrees (a smuggling guard).
      const n = parseContentLength(h.value);
      if (found.contentLength !== undefined && Number(found.contentLength) !== n) {
        throw badRequest('Conflicting Content-Length');
      }
      found.contentLength = h.value;
    } else {
      const slot = SINGLE[key];
      if (slot === undefined) continue;
      if (found[slot] !== undefined) throw badRequest(`Duplicate ${DISPLAY[slot]}`);
      found[slot] = h.value;
    }
  }
  return found;
}

/**
 * Validates the mandatory headers and returns the Content-Length (undefined when absent).
 * @param method the request method, or undefined for a response.
 */
export function validateHeaders(headers: HeaderField[], method: string | undefined): number | undefined {
  const f = collect(headers);
  if (f.vias.length === 0) throw badRequest('Missing Via');
  if (f.from === undefined) throw badRequest('Missing From');
  if (f.to === undefined) throw badRequest('Missing To');
  if (f.callId === undefined) throw badRequest('Missing Call-ID');
  if (f.cseq === undefined) throw badRequest('Missing CSeq');
  for (const v of f.vias) parseVia(v);
  parseNameAddr(f.from, 'From');
  parseNameAddr(f.to, 'To');
  if (!CALL_ID.test(f.callId)) throw badRequest('Malformed Call-ID');
  const cseq = parseCSeq(f.cseq);
  if (method !== undefined && cseq.method !== method) throw badRequest('CSeq method does not match');
  if (f.maxForwards !== undefined) parseMaxForwards(f.maxForwards);
  return f.contentLength === undefined ? undefined : parseContentLength(f.contentLength);
}
