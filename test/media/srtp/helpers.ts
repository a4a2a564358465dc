// Shared fixtures for the SRTP tests: RTP/RTCP packet builders and fixed keys.
import { randomBytes } from 'node:crypto';
import { nativeStatus } from '../../../src/media/native/load-native.js';
import type { SrtpImplementation, SrtpStream } from '../../../src/media/srtp/create-transform.js';
import { SRTP_ADDON, srtpAddon } from '../../../src/media/srtp/native-binding.js';
import { opensslCrypto, opensslCryptoStatus } from '../../../src/media/srtp/native-crypto.js';
import { NativeSrtpTransform } from '../../../src/media/srtp/native-transform.js';
import { SrtpTransform, type SrtpTransformOptions } from '../../../src/media/srtp/srtp-session.js';

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** RFC 3711 Appendix B.3 master key || master salt (also libsrtp's srtp_driver test key). */
export const RFC_MASTER = hex('E1F97A0D3E018BE0D64FA32C06DE4139' + '0EC675AD498AFEEBB6960B3AABE6');

export const KEY_A = randomBytes(30);
export const KEY_B = randomBytes(30);

export interface RtpOptions {
  ssrc?: number;
  payload?: Buffer;
  payloadLength?: number;
  csrcs?: number[];
  extensionWords?: number;
  marker?: boolean;
}

/** An RTP v2 packet (RFC 3550 §5.1), payload type 0, 160-byte G.711 payload by default. */
export function rtp(seq: number, o: RtpOptions = {}): Buffer {
  const csrcs = o.csrcs ?? [];
  const ext = o.extensionWords;
  const payload = o.payload ?? Buffer.alloc(o.payloadLength ?? 160, seq & 0xff);
  const headerLength = 12 + 4 * csrcs.length + (ext === undefined ? 0 : 4 + 4 * ext);
  const b = Buffer.alloc(headerLength + payload.length);
  b[0] = 0x80 | (ext === undefined ? 0 : 0x10) | csrcs.length;
  b[1] = o.marker ? 0x80 : 0;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 160) >>> 0, 4);
  b.writeUInt32BE(o.ssrc ?? 0x11223344, 8);
  csrcs.forEach((c, i) => b.writeUInt32BE(c, 12 + 4 * i));
  if (ext !== undefined) {
    const at = 12 + 4 * csrcs.length;
    b.writeUInt16BE(0xbede, at);
    b.writeUInt16BE(ext, at + 2);
    b.fill(0x5a, at + 4, at + 4 + 4 * ext);
  }
  payload.copy(b, headerLength);
  return b;
}

/** An RTCP receiver report (RFC 3550 §6.4.2) with one report block, plus optional padding bytes. */
export function rtcp(ssrc = 0x11223344, extra = 0): Buffer {
  const b = Buffer.alloc(32 + extra, 0xcd);
  b[0] = 0x81;
  b[1] = 201;
  b.writeUInt16BE((b.length >> 2) - 1, 2);
  b.writeUInt32BE(ssrc, 4);
  return b;
}

/**
 * The SRTP implementations every behaviour test runs against (create-transform.ts picks one per
 * call): node:crypto always; OpenSSL (native/srtpcrypto) and libsrtp2 (native/srtp) when their
 * addon is built and loads (skipped, with the reason, when it is not, or under OPENUM_NATIVE=0).
 */
export interface Implementation {
  name: SrtpImplementation;
  skip: string | false;
  make(options: SrtpTransformOptions): SrtpStream;
}

const addon = srtpAddon();
const openssl = opensslCrypto();

export const IMPLEMENTATIONS: readonly Implementation[] = [
  { name: 'node:crypto', skip: false, make: (o) => new SrtpTransform(o) },
  {
    name: 'openssl',
    skip: openssl ? false : `OpenSSL addon ${opensslCryptoStatus()} (node scripts/build-native.mjs)`,
    make: (o) => {
      if (!openssl) throw new Error('OpenSSL addon not loaded');
      return new SrtpTransform(o, openssl);
    },
  },
  {
    name: 'libsrtp2',
    skip: addon ? false : `libsrtp2 addon ${nativeStatus(SRTP_ADDON.dir, SRTP_ADDON.target)} (node scripts/build-native.mjs)`,
    make: (o) => {
      if (!addon) throw new Error('libsrtp2 addon not loaded');
      return new NativeSrtpTransform(addon, o);
    },
  },
];
