// Typed errors of the DTMF codec and sender, with codes of their own (CodedError): they map onto
// src/errors.ts BAD_ARGUMENT (sender input) or a dropped packet (receiver input: a malformed
// payload from the network is counted, never thrown out of the receiver).
import { CodedError } from '../../errors.js';

export const DTMF_ERROR_CODES = {
  TRUNCATED_EVENT: 'A telephone-event payload is shorter than the 4 bytes of RFC 4733 §2.3.',
  BAD_EVENT_FIELD: 'An event, volume or duration is outside the range of its RFC 4733 §2.3 field.',
  BAD_DIGIT: 'A DTMF digit is not one of 0-9, *, #, A-D.',
  BAD_DURATION: 'A DTMF tone duration is not positive or does not fit one 16-bit event (RFC 4733 §2.5.1.5).',
} as const;

export type DtmfErrorCode = keyof typeof DTMF_ERROR_CODES;

export class DtmfError extends CodedError<DtmfErrorCode> {
  constructor(code: DtmfErrorCode, message: string) {
    super('DtmfError', code, message);
  }
}
