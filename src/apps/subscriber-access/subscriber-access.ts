// Subscriber access (Exchange's Outlook Voice Access, keypad mode): a user calls the dial plan's
// pilot number, logs on with a PIN, and listens to voice mail or changes personal options. A state
// machine over `Call` and the ports of ports.ts; docs/subscriber-access.md has the caller's view.
//
// Key map (`0` help — the options again — and `*` back, everywhere):
//   Logon           caller ID, else extension + #; then PIN + #  (`*` in the PIN: other mailbox)
//   Main menu       1 voice mail   4 personal options   * goodbye
//   Voice mail      during or after a message:
//                   1 replay   2 save   3 delete   4 previous   5 call the sender   6 next
//                   7 undelete the last deleted   9 skip to the end of the message   * main menu
//   Personal opts   1 record greeting   2 record name   3 change PIN   * main menu
//   Review          1 listen   2 accept   3 record again   * cancel
//   Recording       # done   * cancel
//   New PIN         PIN + #, then again + #  (`*` back, unless the PIN must be changed)
//
// Limits: the dial plan's input-failure limit (no key in time, or a key that means nothing, that
// many times in a row) and logon-failure limit (wrong PINs, unknown extensions) end the call with
// a goodbye; so does a locked mailbox. Messages deleted in the call are purged when it ends.
import type { Call } from '../call.js';
import { logon } from './logon.js';
import { personalOptions } from './personal-options.js';
import type { CallerId, MessageId, SubscriberAccessPorts, UserKey } from './ports.js';
import { CallOver, DEFAULT_TIMING, Session, type EndReason, type Timing } from './session.js';
import { voiceMail } from './voice-mail.js';

/** What the application reads of the dial plan (apps/call-context.ts's AppDialPlan fits). */
export interface SubscriberAccessDialPlan {
  /** en-US, it-IT, es-ES, fr-FR: the prompts' language. */
  defaultLanguage: string;
  /** NumberOfDigitsInExtension: the longest extension entry (then `#`, or the inter-digit timeout). */
  extensionLength: number | null;
  /** InputFailuresBeforeDisconnect and LogonFailuresBeforeDisconnect. */
  inputFailuresBeforeDisconnect: number;
  logonFailuresBeforeDisconnect: number;
  /** The recording idle timeout, for greeting and name recordings. */
  recordingIdleSeconds: number;
}

export interface SubscriberAccessOptions {
  dialPlan: SubscriberAccessDialPlan;
  caller: CallerId;
  /** Prompts in this language rather than the dial plan's. */
  language?: string;
  /** Longest personal greeting (default 5 minutes) and recorded name (default 10 s), as the mailbox service allows. */
  maxGreetingMs?: number;
  maxNameMs?: number;
  /** Digit timeouts (defaults: 5 s for a menu key or a first digit, 3 s between digits). */
  timing?: Partial<Timing>;
}

export interface SubscriberAccessOutcome {
  reason: EndReason;
  /** The subscriber who logged on (the directory's key), if one did. */
  user?: UserKey;
  /** Messages purged at the end of the call. */
  purged: MessageId[];
}

export const DEFAULT_MAX_GREETING_MS = 5 * 60_000;
export const DEFAULT_MAX_NAME_MS = 10_000;

/**
 * Runs subscriber access on an answered call until it ends; the call is hung up when it returns.
 * A port that throws ends the call with an apology and the error is thrown on (the worker logs it);
 * deleted messages are purged either way.
 */
export async function runSubscriberAccess(call: Call, ports: SubscriberAccessPorts, o: SubscriberAccessOptions): Promise<SubscriberAccessOutcome> {
  const plan = o.dialPlan;
  const s = new Session(call, ports, o.language ?? plan.defaultLanguage, { ...DEFAULT_TIMING, ...o.timing }, {
    inputFailures: Math.max(1, plan.inputFailuresBeforeDisconnect),
    logonFailures: Math.max(1, plan.logonFailuresBeforeDisconnect),
  });
  let reason: EndReason = 'hangup';
  let failure: unknown;
  try {
    s.user = await logon(s, o.caller, plan.extensionLength);
    if (s.user.language && o.language === undefined) s.language = s.user.language;
    await mainMenu(s, {
      maxGreetingMs: o.maxGreetingMs ?? DEFAULT_MAX_GREETING_MS,
      maxNameMs: o.maxNameMs ?? DEFAULT_MAX_NAME_MS,
      idleMs: plan.recordingIdleSeconds * 1000,
    });
  } catch (err) {
    if (err instanceof CallOver) reason = err.reason;
    else failure = err;
  }
  if (failure !== undefined) await apologise(s);
  const purged = s.user ? s.deleted.map((d) => d.message.id) : [];
  if (s.user && purged.length > 0) {
    try {
      await ports.mailbox.purge(s.user, purged);
    } catch (err) {
      failure ??= err;
    }
  }
  if (call.active) call.hangup();
  if (failure !== undefined) throw failure;
  return { reason, ...(s.user ? { user: s.user.id } : {}), purged };
}

async function mainMenu(s: Session, limits: Parameters<typeof personalOptions>[1]): Promise<never> {
  let counts = true;
  for (;;) {
    if (counts) {
      const { fresh, saved } = await s.ports.mailbox.list(s.subscriber);
      const say = s.ports.speech;
      await s.say([...say.messages(fresh.length, 'new', s.language), ...say.messages(saved.length, 'saved', s.language)]);
    }
    const k = await s.menu(['sa-main-menu'], '14*');
    if (k === '*') await s.end('goodbye', ['goodbye']);
    if (k === '1') await voiceMail(s);
    else await personalOptions(s, limits);
    counts = k === '1';
  }
}

/** A port failed: say sorry and goodbye if the caller is still there (best effort). */
async function apologise(s: Session): Promise<void> {
  if (!s.call.active) return;
  try {
    await s.say(['sa-system-error', 'goodbye'], false);
  } catch {
    // The prompt itself failed (or the caller hung up): the hang-up below is all that is left.
  }
  s.call.hangup();
}
