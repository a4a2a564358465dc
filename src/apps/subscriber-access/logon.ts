// Logon (Exchange's Outlook Voice Access): the caller is recognised by caller ID (the directory
// port reads From / P-Asserted-Identity), else asked for an extension; then the PIN. `*` while
// the PIN is asked means "not my mailbox": the extension is asked. Unknown extensions and wrong
// PINs count towards the dial plan's logon-failure limit (then goodbye); no entry counts towards
// the input-failure limit. A locked mailbox is said and the call ends. A PIN that must be changed
// (reset by an administrator, or expired) is changed before the main menu.
import { changePin } from './change-pin.js';
import type { CallerId, Subscriber } from './ports.js';
import { MAX_PIN_DIGITS, type Session } from './session.js';

const MAX_EXTENSION_DIGITS = 20;

export async function logon(s: Session, caller: CallerId, extensionLength: number | null | undefined): Promise<Subscriber> {
  await s.say(['sa-welcome']);
  let user = await s.ports.directory.byCallerId(caller);
  for (;;) {
    user ??= await askExtension(s, extensionLength ?? MAX_EXTENSION_DIGITS);
    if (await askPin(s, user)) return user;
    user = undefined;
  }
}

async function askExtension(s: Session, maxDigits: number): Promise<Subscriber> {
  for (;;) {
    await s.say(['sa-enter-extension']);
    const digits = await s.entry(maxDigits);
    if (digits === '') {
      await s.failed();
      continue;
    }
    if (!/^[0-9]+$/.test(digits)) {
      await s.failed(['invalid']);
      continue;
    }
    s.succeeded();
    const user = await s.ports.directory.byExtension(digits);
    if (user) return user;
    await logonFailed(s, ['sa-extension-unknown']);
  }
}

/** True when logged on; false when the caller pressed `*` to give another extension. */
async function askPin(s: Session, user: Subscriber): Promise<boolean> {
  for (;;) {
    await s.say(['enter-pin']);
    const pin = await s.entry(MAX_PIN_DIGITS);
    if (pin === '') {
      await s.failed();
      continue;
    }
    if (pin.includes('*')) {
      s.succeeded();
      s.call.flushDigits();
      return false;
    }
    s.succeeded();
    const r = await s.ports.pins.check(user, pin);
    if (r.ok) {
      s.user = user;
      if (r.mustChange) await changePin(s, true);
      return true;
    }
    if (r.reason === 'locked') await s.end('locked', ['sa-mailbox-locked', 'goodbye']);
    await logonFailed(s, ['sa-pin-wrong']);
  }
}

/** One more logon failure: goodbye at the dial plan's limit, else "try again". */
async function logonFailed(s: Session, what: readonly string[]): Promise<void> {
  s.call.flushDigits();
  s.logonFailures++;
  if (s.logonFailures >= s.limits.logonFailures) await s.end('logon-failures', [...what, 'goodbye']);
  await s.say([...what, 'sa-try-again'], false);
}
