// SDP Security Descriptions (SDES, RFC 4568): read the offer's a=crypto lines, choose one we
// implement, and answer with exactly one a=crypto line of ours, with the same tag (§7.1.2).
//
//   a=crypto:<tag> <crypto-suite> <key-params> [<session-param> ...]          (§9.1)
//   key-params = "inline:" <base64 master key||salt> ["|" lifetime] ["|" MKI ":" length]
//
// Prefer raw lines (cryptoLines() below) to sdp-transform's media.crypto: its grammar keeps only
// the first session parameter, so "WSH=128 UNENCRYPTED_SRTP" would silently lose the second one.
import { randomBytes } from 'node:crypto';
import { SrtpError } from './errors.js';
import { isSupportedSuite, MASTER_LENGTH, type SrtpSuite } from './suites.js';

/** An a=crypto line, or the object sdp-transform puts in media.crypto. */
export type CryptoOffer = string | { id: number; suite: string; config: string; sessionConfig?: string };

export interface CryptoAttribute {
  tag: number;
  suite: string;
  keyParams: string;
  sessionParams: string[];
}

export interface ChosenCrypto {
  tag: number;
  suite: SrtpSuite;
  /** The peer's 30-byte master key||salt: SrtpTransform's remoteKey. */
  remoteKey: Buffer;
  /** WSH (§6.3.6), the replay window the peer asks us to keep, when it sent one. */
  windowSizeHint?: number;
}

export type CryptoVerdict = ({ ok: true } & ChosenCrypto) | { ok: false; reason: string };

const MAX_LINE = 1024; // a 30-byte key line is ~80 characters; anything huge is not worth parsing
const TAG = /^\d{1,9}$/; // §9.1: tag = 1*9DIGIT
const KEY_B64 = /^[A-Za-z0-9+/]{40}$/; // 30 bytes = 240 bits = exactly 40 base64 digits, no '='
const LIFETIME = /^(?:2\^\d{1,2}|\d{1,15})$/; // §6.1: ["2^"] 1*DIGIT
const MKI = /^\d{1,10}:\d{1,3}$/; // §6.1: mki-value ":" mki-length

/** Syntax of one a=crypto line (with or without "a=crypto:"); undefined when it is not one. */
export function parseCryptoLine(offer: CryptoOffer): CryptoAttribute | undefined {
  const line = typeof offer === 'string'
    ? offer
    : `${offer.id} ${offer.suite} ${offer.config}${offer.sessionConfig ? ` ${offer.sessionConfig}` : ''}`;
  if (typeof line !== 'string' || line.length > MAX_LINE) return undefined;
  const fields = line.trim().replace(/^a=/, '').replace(/^crypto:/, '').split(/[ \t]+/);
  const [tag, suite, keyParams, ...sessionParams] = fields;
  if (tag === undefined || !TAG.test(tag) || !suite || !keyParams) return undefined;
  return { tag: Number(tag), suite, keyParams, sessionParams };
}

/** Decode "inline:<40 base64 digits>[|lifetime]"; a reason string when we cannot use it. */
function decodeKeyParams(keyParams: string): Buffer | string {
  // §6.1: several key-params (';') only make sense with MKIs, which we do not implement.
  if (keyParams.includes(';')) return 'several master keys (MKI) are not supported';
  const m = /^inline:(.*)$/i.exec(keyParams);
  if (!m) return 'key method is not inline';
  const [key, ...extras] = (m[1] ?? '').split('|');
  if (key === undefined || !KEY_B64.test(key)) return `the key is not ${MASTER_LENGTH} bytes of base64`;
  if (extras.length > 2) return 'too many key parameters';
  for (const extra of extras) {
    if (MKI.test(extra)) return 'MKI is not supported';
    // The lifetime only bounds how long the key may be used (§6.1); we accept any well-formed one
    // and never exceed what RFC 3711 §9.2 allows (2^48 SRTP / 2^31 SRTCP, see srtp-session.ts).
    if (!LIFETIME.test(extra) || (extra.startsWith('2^') && Number(extra.slice(2)) > 48)) return `bad lifetime ${extra}`;
  }
  const bytes = Buffer.from(key, 'base64');
  return bytes.length === MASTER_LENGTH ? bytes : `the key is not ${MASTER_LENGTH} bytes`;
}

/** Session parameters (§6.3): which ones we can honour. */
function checkSessionParams(params: readonly string[]): { windowSizeHint?: number } | string {
  let windowSizeHint: number | undefined;
  for (const p of params) {
    const [name = '', value] = p.split('=', 2);
    switch (name) {
      case 'UNENCRYPTED_SRTP':
      case 'UNENCRYPTED_SRTCP':
      case 'UNAUTHENTICATED_SRTP':
        return `${name} is not allowed`; // Secured dial plans encrypt and authenticate everything
      case 'KDR':
        return 'key derivation rate (KDR) is not supported'; // we derive once (RFC 3711 §4.3.1, r = 0)
      case 'FEC_KEY':
        return 'FEC_KEY is not supported';
      case 'FEC_ORDER':
        if (value !== 'FEC_SRTP' && value !== 'SRTP_FEC') return `bad FEC_ORDER ${String(value)}`;
        break; // we send no FEC, so the order does not matter
      case 'WSH':
        if (!value || !/^\d{1,5}$/.test(value) || Number(value) < 64) return `bad WSH ${String(value)}`;
        windowSizeHint = Number(value);
        break;
      default:
        // A parameter starting with '-' is one the receiver may ignore (RFC 4568 §6.3.7, as we read
        // it); any other unknown parameter could change the transform, so the offer is unusable.
        if (!name.startsWith('-')) return `unknown session parameter ${name}`;
    }
  }
  return windowSizeHint === undefined ? {} : { windowSizeHint };
}

/** Whether we can use this a=crypto offer, and why not. */
export function evaluateCrypto(offer: CryptoOffer): CryptoVerdict {
  const attr = parseCryptoLine(offer);
  if (!attr) return { ok: false, reason: 'not an a=crypto line' };
  if (!isSupportedSuite(attr.suite)) return { ok: false, reason: `crypto suite ${attr.suite} is not supported` };
  const key = decodeKeyParams(attr.keyParams);
  if (typeof key === 'string') return { ok: false, reason: key };
  const session = checkSessionParams(attr.sessionParams);
  if (typeof session === 'string') return { ok: false, reason: session };
  return { ok: true, tag: attr.tag, suite: attr.suite, remoteKey: key, ...session };
}

/** The first acceptable a=crypto offer, in the offer's order (§7.1.2), or undefined. */
export function chooseCrypto(offers: readonly CryptoOffer[] | undefined): ChosenCrypto | undefined {
  for (const offer of offers ?? []) {
    const v = evaluateCrypto(offer);
    if (v.ok) {
      const { ok: _ok, ...chosen } = v;
      return chosen;
    }
  }
  return undefined;
}

export interface GeneratedCrypto {
  /** "a=crypto:<tag> <suite> inline:<key>" for the answer. */
  line: string;
  /** The same, as sdp-transform's media.crypto entry. */
  attribute: { id: number; suite: SrtpSuite; config: string };
  /** Our fresh 30-byte master key||salt: SrtpTransform's localKey. */
  key: Buffer;
}

/** A fresh master key||salt and the a=crypto line that carries it, with the offer's tag. */
export function generateCrypto(tag: number, suite: SrtpSuite): GeneratedCrypto {
  if (!Number.isInteger(tag) || tag < 0 || tag > 999_999_999) throw new SrtpError('BAD_TAG', `bad a=crypto tag ${tag}`);
  if (!isSupportedSuite(suite)) throw new SrtpError('UNSUPPORTED_SUITE', `unsupported SRTP crypto suite ${String(suite)}`);
  const key = randomBytes(MASTER_LENGTH);
  const config = `inline:${key.toString('base64')}`;
  return { line: `a=crypto:${tag} ${suite} ${config}`, attribute: { id: tag, suite, config }, key };
}

/**
 * The raw a=crypto lines of each m= section of an SDP body (index = m-line order), for
 * chooseCrypto(). Session-level a=crypto lines are not defined (§9.1) and are ignored.
 */
export function cryptoLines(sdp: string): string[][] {
  const sections: string[][] = [];
  for (const raw of sdp.split(/\r?\n/)) {
    if (raw.startsWith('m=')) sections.push([]);
    else if (raw.startsWith('a=crypto:') && sections.length > 0) sections[sections.length - 1]?.push(raw.trim());
  }
  return sections;
}
