// Where this node's SIP roles listen: a node setting, kept in DATA/sip-addresses.json beside
// node.json because it belongs to the machine (its interfaces), not to the store several nodes
// may share, and the store has no per-node key/value table for it. `openum start` uses it when no
// --sip-address flag is given; without it the roles listen on 0.0.0.0, as before.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { OpenUmError } from '../errors.js';

export const SIP_ADDRESSES_FILE = 'sip-addresses.json';
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

/** The stored addresses, or undefined when none are stored (the roles use 0.0.0.0). */
export function storedSipAddresses(dataDir: string): string[] | undefined {
  const file = join(dataDir, SIP_ADDRESSES_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { addresses?: unknown };
    if (Array.isArray(parsed.addresses) && parsed.addresses.every((a) => typeof a === 'string')) return parseSipAddresses(parsed.addresses as string[], file);
  } catch (e) {
    if (e instanceof OpenUmError) throw e;
  }
  throw new OpenUmError('BAD_SETTING', `${file} is damaged: it should hold {"addresses": ["0.0.0.0"]}`,
    { cli: 'set it again with openum server set --sip-address', api: 'set it again with PATCH /api/server { sipAddresses }' });
}

export function sipAddresses(dataDir: string): string[] {
  return storedSipAddresses(dataDir) ?? [...DEFAULT_SIP_ADDRESSES];
}

export function writeSipAddresses(dataDir: string, addresses: string[]): void {
  const file = join(dataDir, SIP_ADDRESSES_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ addresses }, null, 2) + '\n', { mode: 0o644 });
  renameSync(tmp, file);
}
