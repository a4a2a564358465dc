// Scalar header values: CSeq (§20.16), Content-Length (§20.14), Max-Forwards (§20.22).
import { badRequest } from './errors.js';
import { isToken } from './grammar.js';
import type { CSeq } from './types.js';

const DIGITS = /^[0-9]{1,10}$/;
const CSEQ = /^[ \t]*([0-9]{1,10})[ \t]+(\S+)[ \t]*$/;

/** `CSeq: 4711 INVITE`; the number must fit 32 bits unsigned (§8.1.1.5). */
export function parseCSeq(value: string): CSeq {
  const m = CSEQ.exec(value);
  if (!m) throw badRequest('Malformed CSeq');
  const seq = Number(m[1]);
  const method = m[2] as string;
  if (seq > 0xffff_ffff || !isToken(method)) throw badRequest('Malformed CSeq');
  return { seq, method };
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}

/** Content-Length: 1*DIGIT (no sign), at most 10 digits so the number stays exact. */
export function parseContentLength(value: string): number {
  const v = value.trim();
  if (!DIGITS.test(v)) throw badRequest('Malformed Content-Length');
  return Number(v);
}

/** Max-Forwards: 1*DIGIT in 0..255 (RFC 4475 §3.1.2.4 treats 300 as malformed). */
export function parseMaxForwards(value: string): number {
  const v = value.trim();
  if (!DIGITS.test(v)) throw badRequest('Malformed Max-Forwards');
  const n = Number(v);
  if (n > 255) throw badRequest('Malformed Max-Forwards');
  return n;
}
