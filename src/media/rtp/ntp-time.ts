// NTP timestamps for RTCP sender reports (RFC 3550 §4): seconds since 1900-01-01 in the high 32
// bits, binary fraction in the low 32.
const NTP_EPOCH_OFFSET_S = 2_208_988_800; // 1900-01-01 to 1970-01-01

export interface NtpTime {
  seconds: number;
  fraction: number;
}

export function ntpFromUnixMs(ms: number): NtpTime {
  const whole = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - whole * 1000) / 1000) * 2 ** 32);
  return { seconds: (whole + NTP_EPOCH_OFFSET_S) >>> 0, fraction: Math.min(fraction, 0xffffffff) };
}

/** The middle 32 bits of a 64-bit NTP timestamp, the unit of LSR (§6.4.1): 1/65536 s. */
export function ntpMiddle(t: NtpTime): number {
  return (((t.seconds & 0xffff) << 16) | (t.fraction >>> 16)) >>> 0;
}
