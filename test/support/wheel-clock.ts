// A SIP timer wheel on a clock the test moves: `advance` fires what falls due, 10 ms at a time;
// `jump` moves the time without a tick, as a busy event loop does.
import { TimerWheel } from '../../src/sip/transaction/timer-wheel.js';

export interface WheelClock {
  wheel: TimerWheel;
  advance(ms: number): void;
  /** Moves the clock without ticking the wheel: the event loop was busy. */
  jump(ms: number): void;
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
    jump(ms: number) {
      now += ms;
    },
    now: () => now,
  };
}
