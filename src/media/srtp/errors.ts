// Typed errors of the SRTP layer. They are thrown only at set-up time (bad key material, a suite
// we do not implement) or when our own RTP layer hands protect() something it must not send: the
// receive path (unprotect/unprotectRtcp) never throws, it drops and counts (see srtp-session.ts).
import { CodedError } from '../../errors.js';

export type SrtpErrorCode =
  | 'BAD_KEY' // master key||salt is not 30 bytes, or the base64 does not decode to that
  | 'UNSUPPORTED_SUITE' // not AES_CM_128_HMAC_SHA1_80 / _32
  | 'BAD_TAG' // a=crypto tag outside 1*9DIGIT (RFC 4568 §9.1)
  | 'NOT_RTP' // protect()/protectRtcp() got a packet that is not RTP/RTCP version 2
  | 'BAD_INDEX' // protect() got a sequence number from before the first packet sent (index < 0)
  | 'KEY_EXHAUSTED' // the packet index would repeat: 2^48 SRTP / 2^31 SRTCP packets (RFC 3711 §9.2)
  | 'NATIVE_FAILURE'; // libsrtp2 (native/srtp) refused to protect for a reason of its own (status in the message), or the transform was closed

export class SrtpError extends CodedError<SrtpErrorCode> {
  constructor(code: SrtpErrorCode, message: string) {
    super('SrtpError', code, message);
  }
}
