// Header accessors over a message's HeaderField list, and the typed views the transaction layer
// and the roles use. Names are matched case-insensitively and compact forms are accepted
// (RFC 3261 §7.3.1, §7.3.3).
import { canonicalName, headerKey, isListHeader } from './header-names.js';
import { splitList } from './grammar.js';
import type { HeaderField } from './types.js';

export { parseVia, formatVia } from './via.js';
export { parseNameAddr, formatNameAddr } from './name-addr.js';
export { parseCSeq, formatCSeq, parseContentLength, parseMaxForwards } from './values.js';
export { canonicalName, headerKey, isListHeader } from './header-names.js';
export { splitList } from './grammar.js';

/** Anything that holds headers: a SipRequest, a SipResponse or a bare `{ headers }`. */
export interface HasHeaders {
  headers: HeaderField[];
}

/**
 * The first value of a header, or undefined. For comma-list headers (Via, Contact, Route…) this
 * is the first list element, so `getHeader(msg, 'Via')` is the top Via even when several share
 * one line.
 */
export function getHeader(msg: HasHeaders, name: string): string | undefined {
  const key = headerKey(name);
  const list = isListHeader(key);
  for (const h of msg.headers) {
    if (headerKey(h.name) !== key) continue;
    if (!list) return h.value;
    const first = splitList(h.value)[0];
    if (first !== undefined) return first;
  }
  return undefined;
}

/**
 * All values of a header in order: repeated fields, and for comma-list headers each element of
 * each field (commas inside quoted strings and <…> do not split). Single-value headers (From,
 * To, Call-ID, CSeq, WWW-Authenticate…) give one entry per field, never split.
 */
export function getHeaders(msg: HasHeaders, name: string): string[] {
  const key = headerKey(name);
  const list = isListHeader(key);
  const out: string[] = [];
  for (const h of msg.headers) {
    if (headerKey(h.name) !== key) continue;
    if (list) out.push(...splitList(h.value));
    else out.push(h.value);
  }
  return out;
}

export function hasHeader(msg: HasHeaders, name: string): boolean {
  const key = headerKey(name);
  return msg.headers.some((h) => headerKey(h.name) === key);
}

/** Replaces the first field of that name in place and removes the others; appends if absent. */
export function setHeader(msg: HasHeaders, name: string, value: string): void {
  const key = headerKey(name);
  const field: HeaderField = { name: canonicalName(name), value };
  let first = -1;
  for (let i = msg.headers.length - 1; i >= 0; i--) {
    if (headerKey(msg.headers[i]!.name) !== key) continue;
    if (first >= 0) msg.headers.splice(first, 1);
    first = i;
  }
  if (first >= 0) msg.headers[first] = field;
  else msg.headers.push(field);
}

/**
 * Adds a field. With `first` it goes before the existing fields of that name (a new top Via or
 * Record-Route, §16.6, §20.42), else after the last of them; a new name is appended (or, with
 * `first`, put at the top).
 */
export function addHeader(msg: HasHeaders, name: string, value: string, options: { first?: boolean } = {}): void {
  const key = headerKey(name);
  const field: HeaderField = { name: canonicalName(name), value };
  if (options.first) {
    const at = msg.headers.findIndex((h) => headerKey(h.name) === key);
    msg.headers.splice(at >= 0 ? at : 0, 0, field);
    return;
  }
  let last = -1;
  for (let i = 0; i < msg.headers.length; i++) if (headerKey(msg.headers[i]!.name) === key) last = i;
  if (last >= 0) msg.headers.splice(last + 1, 0, field);
  else msg.headers.push(field);
}

/** Removes every field of that name; returns how many were removed. */
export function removeHeader(msg: HasHeaders, name: string): number {
  const key = headerKey(name);
  let removed = 0;
  for (let i = msg.headers.length - 1; i >= 0; i--) {
    if (headerKey(msg.headers[i]!.name) !== key) continue;
    msg.headers.splice(i, 1);
    removed++;
  }
  return removed;
}

/**
 * Removes the first element of a comma-list header (a proxy popping its own Via, §16.7 step 3;
 * a UAC consuming a Route): the element is cut from its field, and an emptied field is dropped.
 * Returns the removed element.
 */
export function removeFirstValue(msg: HasHeaders, name: string): string | undefined {
  const key = headerKey(name);
  for (let i = 0; i < msg.headers.length; i++) {
    const h = msg.headers[i]!;
    if (headerKey(h.name) !== key) continue;
    const parts = splitList(h.value);
    if (parts.length === 0) continue;
    const [first, ...rest] = parts;
    if (rest.length === 0) msg.headers.splice(i, 1);
    else msg.headers[i] = { name: h.name, value: rest.join(', ') };
    return first;
  }
  return undefined;
}
