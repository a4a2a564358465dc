// Changing the PIN by phone: the new PIN twice, then the policy's verdict (mailbox policy: length,
// history, common patterns). Each refusal says why and asks again; each counts as an input
// failure, so a caller cannot loop here for ever. When the change is optional (personal
// options) `*` goes back; when it is required (a reset or expired PIN) there is no way round it.
import type { PinChange } from './ports.js';
import { MAX_PIN_DIGITS, type Session } from './session.js';

/** True when the PIN was changed; false when the caller went back with `*`. */
export async function changePin(s: Session, mandatory: boolean): Promise<boolean> {
  if (mandatory) await s.say(['sa-pin-must-change']);
  for (;;) {
    const first = await ask(s, 'sa-enter-new-pin', mandatory);
    if (first === 'back') return false;
    if (first === undefined) continue;
    const second = await ask(s, 'sa-confirm-new-pin', mandatory);
    if (second === 'back') return false;
    if (second === undefined) continue;
    if (first !== second) {
      await s.failed(['sa-pins-differ']);
      continue;
    }
    const r = await s.ports.pins.change(s.subscriber, first);
    if (r.ok) {
      s.succeeded();
      await s.say(['sa-pin-changed']);
      return true;
    }
    await s.failed(violation(s, r));
  }
}

/** The entry; undefined after a failure (already counted), 'back' for `*` when allowed. */
async function ask(s: Session, prompt: string, mandatory: boolean): Promise<string | undefined> {
  await s.say([prompt]);
  const pin = await s.entry(MAX_PIN_DIGITS);
  if (pin === '') {
    await s.failed();
    return undefined;
  }
  if (pin.includes('*')) {
    if (!mandatory) {
      s.succeeded();
      s.call.flushDigits();
      return 'back';
    }
    await s.failed(['invalid']);
    return undefined;
  }
  s.succeeded();
  return pin;
}

function violation(s: Session, r: Extract<PinChange, { ok: false }>): string[] {
  switch (r.reason) {
    case 'too-short':
      return r.minLength ? ['sa-pin-too-short', 'sa-pin-min-length', ...s.ports.speech.number(r.minLength, s.language), 'sa-digits'] : ['sa-pin-too-short'];
    case 'too-long':
      return ['sa-pin-too-long'];
    case 'recently-used':
      return ['sa-pin-recently-used'];
    case 'too-simple':
      return ['sa-pin-too-simple'];
  }
}
