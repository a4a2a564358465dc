// Where a server's SIP roles listen: IP addresses of the machine, stored on its row (migration
// 0008); without any, 0.0.0.0. `openum start` uses them when it gets no --sip-address.
import { isIP } from 'node:net';
import { OpenUmError } from '../errors.js';

export const DEFAULT_SIP_ADDRESSES = ['0.0.0.0'] as const;
const MAX_ADDRESSES = 16;

/** "10.0.0.5, 192.0.2.7" or a list of such → the addresses, checked; `field` names the input in errors. */
export function parseSipAddresses(input: string | string[], field: string): string[] {
  const parts = (Array.isArray(input) ? input : [input]).flatMap((t) => t.split(',')).map((t) => t.trim().replace(/^\[(.*)\]$/, '$1'));
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new OpenUmError('BAD_SETTING', `${field} needs one or more IP addresses separated by commas, such as 192.0.2.10,0.0.0.0`);
  }
  const out: string[] = [];
  for (const p of parts) {
    if (isIP(p) === 0) throw new OpenUmError('BAD_SETTING', `${field}: "${p}" is not an IP address; give an address of this machine, or 0.0.0.0 (or ::) for all`);
    if (!out.includes(p)) out.push(p);
  }
  if (out.length > MAX_ADDRESSES) throw new OpenUmError('BAD_SETTING', `${field}: at most ${MAX_ADDRESSES} addresses`);
  return out;
}

/** The stored column → the addresses, or null when none are stored (or the value is unreadable). */
export function readStoredSipAddresses(column: string | null): string[] | null {
  if (column === null) return null;
  try {
    const parsed = JSON.parse(column) as unknown;
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((a) => typeof a === 'string' && isIP(a) !== 0)) return parsed as string[];
  } catch {
    // fall through: a damaged value counts as none stored, and the roles listen on the default
  }
  return null;
}
