// A SIP timer wheel on a clock the test moves: `advance` fires what falls due, 10 ms at a time.
import { TimerWheel } from '../../src/sip/transaction/timer-wheel.js';

export interface WheelClock {
  wheel: TimerWheel;
  advance(ms: number): void;
  now(): number;
}

export function wheelClock(): WheelClock {
  let now = 0;
  const wheel = new TimerWheel({ now: () => now, resolutionMs: 10 });
  return {
    wheel,
    advance(ms: number) {
      const end = now + ms;
      while (now < end) {
        now = Math.min(end, now + 10);
        wheel.tick();
      }
      wheel.stop();
    },
    now: () => now,
  };
}
