// G.711 µ-law (PCMU, payload type 0) and A-law (PCMA, payload type 8) at 8 kHz, one byte per
// sample (RFC 3551 §4.5.14), over alawmulaw. The RTP payload is the byte string itself.
import alawmulaw from 'alawmulaw';
import { AudioError } from './audio-error.js';

export type G711Codec = 'PCMU' | 'PCMA';

function lawOf(codec: G711Codec): typeof alawmulaw.mulaw {
  if (codec === 'PCMU') return alawmulaw.mulaw;
  if (codec === 'PCMA') return alawmulaw.alaw;
  throw new AudioError('BAD_ARGUMENT', `not a G.711 codec: ${String(codec)}`);
}

/** One linear 16-bit sample per payload byte. */
export function decode(payload: Uint8Array, codec: G711Codec): Int16Array {
  return lawOf(codec).decode(payload);
}

/** One payload byte per sample. */
export function encode(samples: Int16Array, codec: G711Codec): Buffer {
  const bytes = lawOf(codec).encode(samples);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
