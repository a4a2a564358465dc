// G.711 µ-law (PCMU, payload type 0) and A-law (PCMA, payload type 8) at 8 kHz, one byte per
// sample (RFC 3551 §4.5.14). The RTP payload is the byte string itself.
//
// Per-sample companding costs a few branches and shifts; a worker does it for every packet of
// every call. So each law is computed once, by alawmulaw over every possible input (65,536 linear
// samples, 256 codes), into lookup tables: bit-exact with alawmulaw by construction, built the
// first time a codec is used (64 KiB + 512 bytes each).
import alawmulaw from 'alawmulaw';
import { AudioError } from './audio-error.js';

export type G711Codec = 'PCMU' | 'PCMA';

interface Tables {
  /** Indexed by the sample + 32768. */
  encode: Uint8Array;
  decode: Int16Array;
}

const tables = new Map<G711Codec, Tables>();

function lawOf(codec: G711Codec): typeof alawmulaw.mulaw {
  if (codec === 'PCMU') return alawmulaw.mulaw;
  if (codec === 'PCMA') return alawmulaw.alaw;
  throw new AudioError('BAD_ARGUMENT', `not a G.711 codec: ${String(codec)}`);
}

function tablesOf(codec: G711Codec): Tables {
  let t = tables.get(codec);
  if (!t) {
    const law = lawOf(codec);
    const linear = new Int16Array(65536);
    for (let i = 0; i < linear.length; i++) linear[i] = i - 32768;
    const codes = new Uint8Array(256);
    for (let i = 0; i < codes.length; i++) codes[i] = i;
    t = { encode: law.encode(linear), decode: law.decode(codes) };
    tables.set(codec, t);
  }
  return t;
}

/** One linear 16-bit sample per payload byte. */
export function decode(payload: Uint8Array, codec: G711Codec): Int16Array {
  return decodeInto(payload, codec, new Int16Array(payload.length));
}

/**
 * decode() into `out` (at least payload.length samples, e.g. an array reused for every packet);
 * returns the part of `out` written.
 */
export function decodeInto(payload: Uint8Array, codec: G711Codec, out: Int16Array): Int16Array {
  decodeRange(payload, 0, payload.length, codec, out);
  return out.length === payload.length ? out : out.subarray(0, payload.length);
}

/**
 * Decodes octets [offset, offset + length) of `octets` (a payload inside a datagram) into the first
 * `length` samples of `out`, with no view object: the media path decodes 25,000 payloads a second.
 */
export function decodeRange(octets: Uint8Array, offset: number, length: number, codec: G711Codec, out: Int16Array): void {
  const table = tablesOf(codec).decode;
  if (offset < 0 || length < 0 || offset + length > octets.length) throw new AudioError('BAD_ARGUMENT', `octets ${offset}..${offset + length} are not inside ${octets.length}`);
  if (out.length < length) throw new AudioError('BAD_ARGUMENT', `${length} samples do not fit in ${out.length}`);
  for (let i = 0; i < length; i++) out[i] = table[octets[offset + i]!]!;
}

/** One payload byte per sample. */
export function encode(samples: Int16Array, codec: G711Codec): Buffer {
  return encodeInto(samples, codec, Buffer.allocUnsafe(samples.length));
}

/**
 * encode() into `out` (at least samples.length bytes, e.g. a buffer reused for every packet);
 * returns the part of `out` written.
 */
export function encodeInto(samples: Int16Array, codec: G711Codec, out: Buffer): Buffer {
  const table = tablesOf(codec).encode;
  if (out.length < samples.length) throw new AudioError('BAD_ARGUMENT', `${samples.length} samples do not fit in ${out.length} bytes`);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i]! + 32768]!;
  return out.length === samples.length ? out : out.subarray(0, samples.length);
}
