// The services a certificate can be assigned to (Enable-ExchangeCertificate -Services).
import { OpenUmError } from '../errors.js';

export const SERVICES = ['IIS', 'SMTP', 'IMAP', 'POP', 'UM', 'UMCallRouter'] as const;
export type Service = (typeof SERVICES)[number];

/** "UM,UMCallRouter" or "um, iis" → canonical names, deduplicated, in the order given. */
export function parseServices(text: string | string[]): Service[] {
  const parts = (Array.isArray(text) ? text : [text]).flatMap((t) => t.split(',')).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) {
    throw new OpenUmError('BAD_ARGUMENT', `no service given: name one or more of ${SERVICES.join(', ')}`);
  }
  const out: Service[] = [];
  for (const p of parts) {
    const s = SERVICES.find((x) => x.toLowerCase() === p.toLowerCase());
    if (!s) throw new OpenUmError('UNKNOWN_SERVICE', `unknown service "${p}": use one or more of ${SERVICES.join(', ')}`);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}
