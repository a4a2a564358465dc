// Best-effort salvage of Via/From/To/Call-ID/CSeq from a message that failed to parse, so the
// caller can still answer 400 (RFC 3261 §8.2.6 copies them into the response). Tolerant where the
// parser is strict, but bounded the same way; responses are never salvaged (they are dropped).
import { canonicalName, headerKey } from './header-names.js';
import { skipLeadingCrlf } from './head.js';
import type { PartialRequest } from './errors.js';
import type { HeaderField, ParseLimits } from './types.js';

const KEEP = new Set(['via', 'from', 'to', 'call-id', 'cseq']);
// Any first word but a status line's: a request whose method is not a token is still answered
// with a 400 naming it (§16.3 item 1); the word only tells an ACK apart.
const METHOD = /^(?!SIP\/)([^\s]{1,128}) /i;
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/; // eslint-disable-line no-control-regex

export function salvagePartial(data: Buffer, limits: ParseLimits): PartialRequest | undefined {
  const start = skipLeadingCrlf(data);
  const text = data.toString('utf8', start, Math.min(data.length, start + limits.maxMessageBytes));
  const lines = text.split(/\r?\n/, 2 * limits.maxHeaders + 1);
  const m = METHOD.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: HeaderField[] = [];
  let current: HeaderField | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') break;
    if (line[0] === ' ' || line[0] === '\t') {
      if (current) current.value = `${current.value} ${line.trim()}`.trim();
      continue;
    }
    current = undefined;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!KEEP.has(headerKey(name))) continue;
    current = { name: canonicalName(name), value: line.slice(colon + 1).trim() };
    headers.push(current);
  }
  const usable = headers.filter((h) => h.value.length <= limits.maxLineBytes && !CONTROL.test(h.value));
  return { headers: usable, method: m[1] as string };
}

/** The Via/From/To/Call-ID/CSeq fields of a parsed header list, for errors found after parsing. */
export function partialFrom(headers: HeaderField[], method: string): PartialRequest {
  return { headers: headers.filter((h) => KEEP.has(headerKey(h.name))), method };
}
