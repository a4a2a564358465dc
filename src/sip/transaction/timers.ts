// RFC 3261 §17.1.1.1 and Table 4 (Appendix A): T1, T2, T4 and the timers derived from them.
// Retransmission timers (A, E, G) run only on unreliable transports; the wait timers that absorb
// retransmissions (D, I, J, K) are zero on reliable ones (§17.1.1.2, §17.2.1, §17.2.2).

export interface SipTimers {
  /** RTT estimate, default 500 ms. */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  T2: number;
  /** Maximum duration a message will remain in the network, default 5 s. */
  T4: number;
}

export const DEFAULT_TIMERS: SipTimers = { T1: 500, T2: 4000, T4: 5000 };

/** Timer B, F, H, J (unreliable), L, M: 64*T1. */
export const timeout64 = (t: SipTimers): number => 64 * t.T1;

/** Timer D: > 32 s for unreliable transports, 0 for reliable. */
export const timerD = (reliable: boolean): number => (reliable ? 0 : 32_000);

/** Timer I and K: T4 for unreliable transports, 0 for reliable. */
export const timerIK = (t: SipTimers, reliable: boolean): number => (reliable ? 0 : t.T4);

/** Timer J: 64*T1 for unreliable transports, 0 for reliable. */
export const timerJ = (t: SipTimers, reliable: boolean): number => (reliable ? 0 : 64 * t.T1);
