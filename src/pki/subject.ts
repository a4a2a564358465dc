// X.500 subject strings as an Exchange administrator writes them ("C=IT,O=Contoso,CN=um.contoso.com")
// and DNS names for the subject alternative name extension.
// Syntax: RFC 4514 (backslash escapes, "\," and "\2C") plus the double-quoted values of RFC 1779
// §2.3 that Exchange's New-ExchangeCertificate also accepts. The order written is kept and is the
// DER order of the RDNSequence, so "C=..." written first is the most significant RDN.
import type { JsonNameParams } from '@peculiar/x509';
import { OpenUmError } from '../errors.js';
import type { SubjectAttribute } from './types.js';

const EXAMPLE = 'C=IT,O=Contoso,CN=um.contoso.com';

type StringEncoding = 'printableString' | 'utf8String' | 'ia5String';

interface AttributeSpec {
  oid: string;
  /** RFC 5280 §4.1.2.4: DirectoryString as UTF8String; C and serialNumber are PrintableString
   * (X.520), emailAddress (RFC 5280 App. A) and domainComponent (RFC 4519 §2.4) are IA5String. */
  encoding: StringEncoding;
  /** Upper bounds from RFC 5280 Appendix A (ub-common-name etc.); CAs reject longer values. */
  max: number;
}

/** Canonical short names, as parseSubject returns them and formatSubject writes them. */
const SPECS: Readonly<Record<string, AttributeSpec>> = {
  C: { oid: '2.5.4.6', encoding: 'printableString', max: 2 },
  S: { oid: '2.5.4.8', encoding: 'utf8String', max: 128 },
  L: { oid: '2.5.4.7', encoding: 'utf8String', max: 128 },
  O: { oid: '2.5.4.10', encoding: 'utf8String', max: 64 },
  OU: { oid: '2.5.4.11', encoding: 'utf8String', max: 64 },
  CN: { oid: '2.5.4.3', encoding: 'utf8String', max: 64 },
  E: { oid: '1.2.840.113549.1.9.1', encoding: 'ia5String', max: 255 },
  DC: { oid: '0.9.2342.19200300.100.1.25', encoding: 'ia5String', max: 63 },
  SERIALNUMBER: { oid: '2.5.4.5', encoding: 'printableString', max: 64 },
};

/** Other spellings accepted on input (OpenSSL writes ST, .NET writes S; E is also EMAIL). */
const ALIASES: Readonly<Record<string, string>> = { ST: 'S', EMAIL: 'E', EMAILADDRESS: 'E' };

const TYPES_HELP = 'C, S, L, O, OU, CN, E, DC or SERIALNUMBER';

/** The canonical short name for a type as written (any case, aliases allowed), or undefined. */
export function canonicalType(written: string): string | undefined {
  const upper = written.toUpperCase();
  const name = ALIASES[upper] ?? upper;
  return Object.hasOwn(SPECS, name) ? name : undefined;
}

/** Short name for an attribute OID read from a certificate; unknown OIDs as "OID.1.2.3" (the .NET form). */
export function typeForOid(oid: string): string {
  for (const [name, spec] of Object.entries(SPECS)) if (spec.oid === oid) return name;
  return `OID.${oid}`;
}

// X.680 §41.4 PrintableString alphabet.
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Parses an Exchange-style subject; throws BAD_SUBJECT naming the first problem found. */
export function parseSubject(text: string): SubjectAttribute[] {
  const fail = (problem: string): never => {
    throw new OpenUmError('BAD_SUBJECT', `bad subject "${text}": ${problem}; write it like ${EXAMPLE}`);
  };
  if (text.trim() === '') fail('it is empty');
  const attrs: SubjectAttribute[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    let j = i;
    while (j < n && text[j] !== '=' && text[j] !== ',' && text[j] !== ';') j++;
    const written = text.slice(i, j).trim();
    if (j >= n || text[j] !== '=') {
      fail(written === '' ? 'it has an empty part between separators' : `"${written}" has no "=" (each part is TYPE=value)`);
    }
    if (written === '') fail('a part starts with "=" and has no type');
    const type = canonicalType(written) ?? fail(`"${written}" is not a known attribute type (use ${TYPES_HELP})`);
    i = j + 1;
    while (i < n && isSpace(text[i])) i++;
    const read = text[i] === '"' ? readQuoted(text, i, written, fail) : readUnquoted(text, i, written, fail);
    i = read.end;
    attrs.push({ type, value: checkValue(type, written, read.value, fail) });
    if (i >= n) break;
    i++; // the separator
  }
  const cns = attrs.filter((a) => a.type === 'CN').length;
  if (cns === 0) fail('it has no CN');
  if (cns > 1) fail(`it has ${cns} CN parts and exactly one is needed`);
  return attrs;
}

type Fail = (problem: string) => never;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** RFC 1779 §2.3 quoted value: "..." with \" and \\ escapes; returns the index after the part. */
function readQuoted(text: string, start: number, written: string, fail: Fail): { value: string; end: number } {
  let i = start + 1;
  let value = '';
  for (;;) {
    const c = text[i];
    if (c === undefined) return fail(`the value of ${written} opens a double quote and never closes it`);
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) return fail(`the value of ${written} opens a double quote and never closes it`);
      value += next;
      i += 2;
    } else if (c === '"') {
      i++;
      break;
    } else {
      value += c;
      i++;
    }
  }
  while (i < text.length && isSpace(text[i])) i++;
  if (i < text.length && text[i] !== ',' && text[i] !== ';') {
    fail(`the value of ${written} has text after its closing double quote`);
  }
  return { value, end: i };
}

/** RFC 4514 §3 value: "\" before a special character or a hex pair (UTF-8 bytes); unescaped
 * trailing spaces are dropped, escaped ones kept. */
function readUnquoted(text: string, start: number, written: string, fail: Fail): { value: string; end: number } {
  const bytes: number[] = [];
  let keep = 0; // bytes up to the last significant (non-space or escaped) character
  let i = start;
  while (i < text.length && text[i] !== ',' && text[i] !== ';') {
    const c = text[i] as string;
    if (c === '\\') {
      const pair = text.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 3;
      } else {
        const cp = text.codePointAt(i + 1);
        if (cp === undefined) return fail(`the value of ${written} ends with a lone backslash`);
        const ch = String.fromCodePoint(cp);
        bytes.push(...Buffer.from(ch, 'utf8'));
        i += 1 + ch.length;
      }
      keep = bytes.length;
      continue;
    }
    if (c === '"') fail(`the value of ${written} has an unbalanced double quote; quote the whole value or escape it as \\"`);
    if (c === '+') fail(`the value of ${written} has a "+" (multi-valued RDNs are not supported); quote the value or escape it as \\+`);
    const ch = String.fromCodePoint(text.codePointAt(i) as number);
    bytes.push(...Buffer.from(ch, 'utf8'));
    if (!isSpace(ch)) keep = bytes.length;
    i += ch.length;
  }
  let value: string;
  try {
    value = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes.slice(0, keep)));
  } catch {
    return fail(`the value of ${written} has \\XX escapes that are not UTF-8`);
  }
  return { value, end: i };
}

function checkValue(type: string, written: string, value: string, fail: Fail): string {
  const spec = SPECS[type] as AttributeSpec;
  if (value === '') fail(`${written} has an empty value`);
  if (type === 'C') {
    if (!/^[A-Za-z]{2}$/.test(value)) fail(`C must be a two-letter country code (ISO 3166), not "${value}"`);
    return value.toUpperCase();
  }
  if (spec.encoding === 'printableString' && !PRINTABLE.test(value)) {
    fail(`${written} "${value}" may only use letters, digits, spaces and ' ( ) + , - . / : = ?`);
  }
  if (spec.encoding === 'ia5String' && !ASCII.test(value)) fail(`${written} "${value}" must be plain ASCII`);
  const length = [...value].length;
  if (length > spec.max) fail(`${written} is ${length} characters long and RFC 5280 allows at most ${spec.max}`);
  return value;
}

/** "C=IT, O=Contoso, CN=um.contoso.com": comma and space, quoting values parseSubject would split or trim. */
export function formatSubject(attrs: readonly SubjectAttribute[]): string {
  return attrs.map((a) => `${a.type}=${formatValue(a.value)}`).join(', ');
}

function formatValue(value: string): string {
  // RFC 4514 §2.4 lists these as needing escapes; a leading '#' would read as a hex-encoded value.
  if (value === '' || /[,+="\\<>;]/.test(value) || /^[\s#]|\s$/.test(value)) {
    return `"${value.replace(/["\\]/g, '\\$&')}"`;
  }
  return value;
}

/** The CN value, or '' when there is none. */
export function commonNameOf(attrs: readonly SubjectAttribute[]): string {
  return attrs.find((a) => a.type === 'CN')?.value ?? '';
}

/**
 * JSON for `new x509.Name(...)` from @peculiar/x509, one RDN per attribute in the order given.
 * Values are passed as typed strings so the library neither unescapes them nor reads "#..." as hex.
 */
export function toNameParams(attrs: readonly SubjectAttribute[]): JsonNameParams {
  return attrs.map((a) => {
    const type = canonicalType(a.type);
    if (type === undefined) {
      throw new OpenUmError('BAD_SUBJECT', `bad subject attribute "${a.type}": use ${TYPES_HELP}; write it like ${EXAMPLE}`);
    }
    const spec = SPECS[type] as AttributeSpec;
    return { [spec.oid]: [{ [spec.encoding]: a.value }] };
  });
}

/**
 * Lower-cases and checks a DNS name for a dNSName SAN entry (RFC 5280 §4.2.1.6 "preferred name
 * syntax" of RFC 1034 §3.5 as relaxed by RFC 1123 §2.1: labels may start with a digit). One leading
 * "*." wildcard label is allowed (RFC 6125 §6.4.3), over at least two labels so "*.com" is refused.
 */
export function validateDomain(name: string): string {
  const bad = (why: string): never => {
    throw new OpenUmError('BAD_DOMAIN', `bad domain name "${name}": ${why}; write it like um.contoso.com or *.contoso.com`);
  };
  const domain = name.trim().toLowerCase();
  if (domain === '') bad('it is empty');
  if (domain.length > 253) bad(`it is ${domain.length} characters long and at most 253 are allowed`);
  const labels = domain.split('.');
  const wildcard = labels[0] === '*';
  const rest = wildcard ? labels.slice(1) : labels;
  if (wildcard && rest.length < 2) bad('a wildcard must cover a domain of at least two labels');
  for (const label of rest) {
    if (label === '') bad('it has an empty label (a leading, trailing or doubled dot)');
    if (label.length > 63) bad(`the label "${label}" is ${label.length} characters long and at most 63 are allowed`);
    if (!/^[a-z0-9-]+$/.test(label)) bad(`the label "${label}" may only use letters, digits and "-"`);
    if (label.startsWith('-') || label.endsWith('-')) bad(`the label "${label}" starts or ends with "-"`);
  }
  return domain;
}
