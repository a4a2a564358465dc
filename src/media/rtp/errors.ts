// Typed failure for untrusted RTP/RTCP bytes (../shared/STYLE.md, "Untrusted bytes"). Parsers throw
// only this; RtpSession catches it and counts the packet as dropped. `reason` is a fixed string so
// stats and tests can group failures without matching on messages.

export type MediaPacketReason =
  | 'truncated header'
  | 'bad version'
  | 'csrc count overflow'
  | 'extension length overflow'
  | 'bad padding'
  | 'padding longer than payload'
  | 'oversized'
  | 'truncated rtcp'
  | 'rtcp length overflow'
  | 'bad rtcp'
  | 'invalid field';

export class MediaPacketError extends Error {
  readonly reason: MediaPacketReason;
  constructor(reason: MediaPacketReason, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'MediaPacketError';
    this.reason = reason;
  }
}

export function isMediaPacketError(e: unknown): e is MediaPacketError {
  return e instanceof MediaPacketError;
}

/** Throws 'invalid field' unless `value` is an integer in [0, max]: guards serialize() inputs. */
export function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new MediaPacketError('invalid field', `${name} = ${value} is not an integer in 0..${max}`);
  }
}
