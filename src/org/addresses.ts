// Addresses of the organisation objects, normalised the same way when stored and when looked up,
// so the Call Router's keys (a packet's source IP, a certificate's FQDN, a Request-URI) match:
// IP addresses in canonical text, host names and SIP URIs in lower case, phone numbers as digits.
import { isIP } from 'node:net';
import { OpenUmError } from '../errors.js';

export type AddressKind = 'ipv4' | 'ipv6' | 'fqdn';

const FQDN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Canonical text of an IP address (IPv4-mapped IPv6 as IPv4), or undefined when it is not one. */
export function normaliseIp(text: string): string | undefined {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(t);
  if (mapped?.[1]) t = mapped[1];
  const version = isIP(t);
  if (version === 4) return t;
  if (version === 6 && !t.includes('%')) return new URL(`http://[${t}]`).hostname.slice(1, -1);
  return undefined;
}

/** Lower-case host name without a trailing dot, or undefined. The last label may not be all digits. */
export function normaliseFqdn(text: string): string | undefined {
  const t = text.trim().toLowerCase().replace(/\.$/, '');
  if (!FQDN_RE.test(t) || /^\d+$/.test(t.split('.').at(-1) ?? '')) return undefined;
  return t;
}

/** A gateway address: an IPv4 or IPv6 address, or an FQDN. */
export function parseAddress(text: string, field: string): { address: string; kind: AddressKind } {
  const ip = normaliseIp(text);
  if (ip !== undefined) return { address: ip, kind: ip.includes(':') ? 'ipv6' : 'ipv4' };
  const fqdn = normaliseFqdn(text);
  if (fqdn !== undefined) return { address: fqdn, kind: 'fqdn' };
  throw new OpenUmError('BAD_SETTING',
    `${field} "${text}" is neither an IP address nor an FQDN; write it like 192.0.2.10, 2001:db8::10 or gw1.contoso.com`);
}

/** "user@host" in lower case from sip:, sips: or a bare user@host (parameters, port, <> dropped). */
export function sipKey(text: string): string | undefined {
  let t = text.trim();
  const angle = /<([^>]*)>/.exec(t);
  if (angle?.[1] !== undefined) t = angle[1];
  t = t.replace(/^sips?:/i, '').split(/[;?]/)[0] ?? '';
  const at = t.lastIndexOf('@');
  if (at <= 0) return undefined;
  const user = t.slice(0, at);
  // An IPv6 host is bracketed in a SIP URI (RFC 3261 §25.1), so a trailing :digits is the port.
  const host = t.slice(at + 1).replace(/:\d+$/, '');
  if (/[\s<>"@]/.test(user)) return undefined;
  const h = normaliseIp(host) ?? normaliseFqdn(host);
  return h === undefined ? undefined : `${user.toLowerCase()}@${h}`;
}

/** A SIP URI stored as sip:user@host in lower case. */
export function parseSipUri(text: string, field: string): string {
  const key = sipKey(text);
  if (key === undefined) {
    throw new OpenUmError('BAD_SETTING', `${field} "${text}" is not a SIP URI; write it like sip:alice@contoso.com`);
  }
  return `sip:${key}`;
}

/** Digits with an optional leading +, separators ( ) - . and spaces removed; tel: accepted. */
export function phoneKey(text: string): string | undefined {
  const t = text.trim().replace(/^tel:/i, '').split(';')[0]?.replace(/[\s().-]/g, '') ?? '';
  return /^\+?\d{1,20}$/.test(t) ? t : undefined;
}

/** An access (pilot) number: a phone number or a SIP URI, normalised. */
export function accessNumberKey(text: string): string | undefined {
  if (/^(sips?:|<)/i.test(text.trim()) || text.includes('@')) {
    const key = sipKey(text);
    return key === undefined ? undefined : `sip:${key}`;
  }
  return phoneKey(text);
}

export function parseAccessNumber(text: string, what: 'access number' | 'pilot number' = 'access number'): string {
  const key = accessNumberKey(text);
  if (key === undefined) {
    const several = text.includes(',');
    throw new OpenUmError('BAD_SETTING',
      `the ${what} "${text}" is neither a phone number nor a SIP URI; write it like +14255550100 or sip:um@contoso.com`, {
        cli: several ? ', one number per option (repeat the option for several)' : undefined,
        api: several ? ', one number per list item' : undefined,
      });
  }
  return key;
}

/** An e-mail address in lower case. */
export function parseEmail(text: string): string {
  const t = text.trim().toLowerCase();
  const at = t.lastIndexOf('@');
  const local = t.slice(0, at);
  if (at <= 0 || local.length > 64 || !/^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) || local.startsWith('.') || local.endsWith('.')
    || local.includes('..') || normaliseFqdn(t.slice(at + 1)) === undefined) {
    throw new OpenUmError('BAD_SETTING', `the e-mail address "${text}" is not valid; write it like alice@contoso.com`);
  }
  return t;
}

/** An extension: 1 to 20 digits. */
export function parseExtension(text: string | number): string {
  const t = String(text).trim();
  if (!/^\d{1,20}$/.test(t)) {
    throw new OpenUmError('BAD_SETTING', `the extension "${text}" must be digits only (1 to 20); write it like 1234`);
  }
  return t;
}
