// The two per-packet primitives of SRTP/SRTCP for one session key set (RFC 3711): AES-CM over a
// range of the packet (§4.1.1) and the HMAC-SHA1 tag (§4.2.1), in one call per packet. The
// protocol around them (index estimation, replay list, bounds, counters) is srtp-session.ts, the
// same whichever implementation does the cryptography:
//  - node:crypto (here): always there; a cipher update and an HMAC object per packet;
//  - OpenSSL through native/srtpcrypto (native-crypto.ts): keyed state made once per stream,
//    several times cheaper per packet (bench/README.md, "SRTP through Node's OpenSSL").
//
// seal(src, dst, cipherStart, cipherEnd, authEnd, ssrc, index, roc, tagLength):
//   dst[0, cipherStart) = src's; dst[cipherStart, cipherEnd) = src's XOR the keystream of
//   (ssrc, index); dst[cipherEnd, authEnd) is what the caller wrote there (SRTCP's E || index);
//   then dst[authEnd, authEnd + tagLength) = the tag of dst[0, authEnd) || ROC, where roc >= 0
//   (SRTP, §4.2), or of dst[0, authEnd) alone where roc < 0 (SRTCP, §3.4).
// open(src, dst, ...the same): true when src[authEnd, authEnd + tagLength) is the tag of
//   src[0, authEnd) (|| ROC), compared in constant time; only then is dst[0, cipherEnd) written,
//   as seal's. false writes nothing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AesCmCipher, packetIv, type SessionKeys } from './kdf.js';

export interface StreamCrypto {
  seal(src: Buffer, dst: Buffer, cipherStart: number, cipherEnd: number, authEnd: number, ssrc: number, index: number, roc: number, tagLength: number): void;
  open(src: Buffer, dst: Buffer, cipherStart: number, cipherEnd: number, authEnd: number, ssrc: number, index: number, roc: number, tagLength: number): boolean;
  /** Forgets the keys; later calls throw. */
  close(): void;
}

/** Makes the primitives for one session key set (SRTP or SRTCP, one direction). */
export interface StreamCryptoMaker {
  readonly name: 'node:crypto' | 'openssl';
  make(keys: SessionKeys): StreamCrypto;
}

const ROC_BYTES = 4;

export class NodeStreamCrypto implements StreamCrypto {
  #keys: SessionKeys | undefined;
  readonly #cipher: AesCmCipher;
  readonly #roc = Buffer.alloc(ROC_BYTES);

  constructor(keys: SessionKeys) {
    this.#keys = keys;
    this.#cipher = new AesCmCipher(keys.encryptionKey);
  }

  seal(src: Buffer, dst: Buffer, cipherStart: number, cipherEnd: number, authEnd: number, ssrc: number, index: number, roc: number, tagLength: number): void {
    const keys = this.#open();
    src.copy(dst, 0, 0, cipherStart);
    this.#cipher.xor(packetIv(keys.salt, ssrc, index), src.subarray(cipherStart, cipherEnd), dst, cipherStart);
    this.#tag(keys, dst, authEnd, roc).copy(dst, authEnd, 0, tagLength);
  }

  open(src: Buffer, dst: Buffer, cipherStart: number, cipherEnd: number, authEnd: number, ssrc: number, index: number, roc: number, tagLength: number): boolean {
    const keys = this.#open();
    const tag = src.subarray(authEnd, authEnd + tagLength);
    if (tag.length !== tagLength || !timingSafeEqual(this.#tag(keys, src, authEnd, roc).subarray(0, tagLength), tag)) return false;
    src.copy(dst, 0, 0, cipherStart);
    this.#cipher.xor(packetIv(keys.salt, ssrc, index), src.subarray(cipherStart, cipherEnd), dst, cipherStart);
    return true;
  }

  close(): void {
    this.#keys = undefined;
  }

  #open(): SessionKeys {
    if (!this.#keys) throw new Error('SRTP keys closed');
    return this.#keys;
  }

  #tag(keys: SessionKeys, data: Buffer, authEnd: number, roc: number): Buffer {
    const h = createHmac('sha1', keys.authKey).update(data.subarray(0, authEnd));
    if (roc >= 0) {
      this.#roc.writeUInt32BE(roc);
      h.update(this.#roc);
    }
    return h.digest();
  }
}

export const NODE_CRYPTO: StreamCryptoMaker = { name: 'node:crypto', make: (keys) => new NodeStreamCrypto(keys) };
