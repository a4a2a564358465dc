// Pressing keys on baresip (1.0) for the phone-application tests: its menu module's `sndcode`
// command, sent over ctrl_tcp (the netstring JSON of test/support/peers/baresip.ts), sends each
// character of its parameter on the current call as RFC 4733 telephone-events (baresip offers
// telephone-event/8000 in every SDP) and then the key release. One command per key, `gapMs`
// apart, gives each key its own event with a clear pause, as a person presses them.
//
// By hand, with the shared peer set-up (/work/shared/peers/baresip/ctrl.py, ctrl_tcp on 4444):
//   ctrl.py dial sip:4000@127.0.0.1:5060      # call the pilot number
//   ctrl.py sndcode 1                         # one key ('#' and '*' too: ctrl.py sndcode '#')
//   ctrl.py sndcode 123456#                   # several keys in one command (sent back to back)
//   ctrl.py hangup
// In a test:
//   const phone = await startBaresip({ ... });          // test/support/peers/baresip.ts
//   await phone.dial('sip:4000@127.0.0.1');
//   await phone.waitFor(['CALL_ESTABLISHED'], 10_000);
//   await pressKeys(phone, '123456#');                  // a PIN and the pound key
import type { Baresip } from './baresip.js';
import { sleep } from './proc.js';

const KEYS = /^[0-9*#A-D]+$/;

/**
 * Presses `keys` on baresip's current call, one `sndcode` per key, `gapMs` (default 250) from one
 * to the next (a key sounds for baresip's telephone-event duration, about 100 ms). Rejects when
 * baresip refuses the command (no call) or a key is not a DTMF key.
 */
export async function pressKeys(phone: Pick<Baresip, 'command'>, keys: string, o: { gapMs?: number } = {}): Promise<void> {
  if (!KEYS.test(keys)) throw new Error(`pressKeys: ${JSON.stringify(keys)} is not a string of DTMF keys (0-9 * # A-D)`);
  const gap = o.gapMs ?? 250;
  for (const [i, key] of [...keys].entries()) {
    if (i > 0) await sleep(gap);
    await phone.command('sndcode', key);
  }
}
