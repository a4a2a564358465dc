// Wires the subscriber access application (apps/subscriber-access) to this node for one call:
// the dial plan's directory, PIN logons through the PIN service (policy, reset, lockout, audit),
// messages through the mailbox service (the same operations the CLI and the API use, so MWI
// follows), greetings and recorded names, and the spoken numbers and dates of apps/speech.
import type { Logger } from 'pino';
import type { CallerId } from '../../apps/call-context.js';
import { sayCount, sayDigits, sayNumber } from '../../apps/speech/numbers.js';
import { sayWhen } from '../../apps/speech/dates.js';
import type { MessageSummary, PinChange, Subscriber, SubscriberAccessPorts } from '../../apps/subscriber-access/index.js';
import { wavHeader } from '../../media/audio/wav-header.js';
import type { PromptLibrary } from '../../media/audio/prompt-library.js';
import type { DialPlan, IpGateway, UmUser } from '../../org/organisation-types.js';
import { checkOutdial } from '../../org/outdial-rules.js';
import { findUserById, listUsers } from '../../org/users.js';
import type { MailboxService } from '../mailbox/mailbox-service.js';
import type { PinService } from '../mailbox/pin-service.js';

export interface SubscriberAccessWiring {
  mailbox: MailboxService;
  pins: PinService;
  prompts: PromptLibrary;
  dialPlan: DialPlan;
  /** Where "call the sender" transfers to, for a caller number; undefined when not allowed. */
  callbackTarget(number: string): string | undefined;
  /** The time zone messages' times are said in. */
  timeZone: string;
  log: Logger;
}

/** The subscriber as the ports see it: the user behind it, kept for the ports that need more. */
interface Member extends Subscriber {
  id: number;
  user: UmUser;
}

const ACTOR = { name: 'subscriber-access' };

export function subscriberAccessPorts(w: SubscriberAccessWiring): SubscriberAccessPorts {
  const member = (user: UmUser): Member => ({ id: user.id, extension: user.extension, language: user.language, user });
  const users = async (): Promise<UmUser[]> => (await listUsers(w.mailbox.db, { dialPlan: w.dialPlan.name })).filter((u) => u.umEnabled);
  const owned = async (s: Subscriber, id: unknown): Promise<number> => {
    const m = await w.mailbox.get(Number(id));
    if (m.userId !== Number(s.id)) throw new Error(`voice message ${String(id)} is not in this mailbox`);
    return m.id;
  };
  return {
    prompts: w.prompts,
    directory: {
      async byCallerId(caller: CallerId) {
        const found = userByCallerId(await users(), caller, w.dialPlan.extensionLength);
        return found ? member(found) : undefined;
      },
      async byExtension(extension: string) {
        const found = (await users()).find((u) => u.extension === extension);
        return found ? member(found) : undefined;
      },
    },
    pins: {
      async check(s, pin) {
        const r = await w.pins.checkPin(Number(s.id), pin);
        return r.ok ? r : { ok: false, reason: r.reason };
      },
      async change(s, pin): Promise<PinChange> {
        const r = await w.pins.changePin(Number(s.id), pin);
        if (r.ok) return r;
        switch (r.reason) {
          case 'too-short': return { ok: false, reason: 'too-short', ...minLength(r.message) };
          case 'too-long': return { ok: false, reason: 'too-long' };
          case 'in-history': return { ok: false, reason: 'recently-used' };
          default: return { ok: false, reason: 'too-simple' };
        }
      },
    },
    mailbox: {
      async list(s) {
        const summary = (m: Awaited<ReturnType<MailboxService['list']>>[number]): MessageSummary => {
          const number = /^\+?\d{1,32}$/.test(m.callerId) ? m.callerId : undefined;
          const callback = number ? w.callbackTarget(number) : undefined;
          return {
            id: m.id, receivedAt: new Date(m.receivedAt), durationMs: m.durationMs,
            ...(number ? { callerNumber: number } : {}), ...(callback ? { callbackUri: callback } : {}),
          };
        };
        const [fresh, saved] = await Promise.all([w.mailbox.list(Number(s.id), 'new'), w.mailbox.list(Number(s.id), 'saved')]);
        // The phone plays the oldest new message first, as a voice-mail system reads a queue.
        return { fresh: fresh.reverse().map(summary), saved: saved.reverse().map(summary) };
      },
      async audio(s, id) {
        return (await w.mailbox.samples(await owned(s, id))).samples;
      },
      async markRead(s, id) {
        await w.mailbox.markRead(await owned(s, id), true);
      },
      async save(s, id) {
        await w.mailbox.save(await owned(s, id));
      },
      async delete(s, id) {
        await w.mailbox.delete(await owned(s, id), { restorable: true });
      },
      async undelete(s, id) {
        await w.mailbox.undelete(await owned(s, id));
      },
      async purge(s) {
        const n = await w.mailbox.purgeDeleted({ userId: Number(s.id) });
        if (n > 0) w.log.info({ userId: s.id, purged: n }, 'subscriber access: messages deleted by phone are gone');
      },
    },
    greetings: {
      async saveGreeting(s, samples) {
        await saveAudio(w, 'greeting', s, samples);
      },
      async saveName(s, samples) {
        await saveAudio(w, 'name', s, samples);
      },
    },
    speech: {
      number: (n, lang) => sayNumber(n, lang),
      messages: (n, kind, lang) => sayCount(n, kind === 'new' ? 'new-message' : 'saved-message', lang),
      digits: (d) => sayDigits(d),
      dateTime: (when, lang) => sayWhen(when, w.timeZone, lang),
    },
  };
}

/**
 * The user a caller ID names: the extension, a longer number ending in it (E.164 or with a prefix),
 * or the whole SIP URI (user and host: sip:alice@fabrikam.com is not sip:alice@contoso.com).
 */
export function userByCallerId<U extends { extension: string; sipUri: string | null }>(users: readonly U[], caller: CallerId, extensionLength: number | null): U | undefined {
  if (caller.id === '') return undefined;
  const digits = caller.id.replace(/^\+/, '');
  return users.find((u) => u.extension === digits)
    ?? (extensionLength && /^\d+$/.test(digits) && digits.length > extensionLength
      ? users.find((u) => u.extension === digits.slice(-extensionLength))
      : undefined)
    ?? (caller.uri ? users.find((u) => u.sipUri !== null && u.sipUri.toLowerCase() === caller.uri) : undefined);
}

/**
 * "Call the sender": the transfer target for a message's caller number, only when the gateway may
 * place calls for OpenUM (`--outcalls on`) and the dial plan's outdialing rules allow the number,
 * the rules Play on Phone follows; otherwise undefined, and the caller hears it is not available.
 */
export function senderCallback(gateway: Pick<IpGateway, 'outcallsAllowed'>, plan: Pick<DialPlan, 'name' | 'extensionLength' | 'outdialAllowed'>,
  target: (number: string) => string): (number: string) => string | undefined {
  return (number) => {
    if (!gateway.outcallsAllowed) return undefined;
    const allowed = checkOutdial(plan, number);
    if (!allowed.ok) return undefined;
    try {
      return target(allowed.number);
    } catch {
      return undefined;
    }
  };
}

async function saveAudio(w: SubscriberAccessWiring, kind: 'greeting' | 'name', s: Subscriber, samples: Int16Array): Promise<void> {
  const user = await findUserById(w.mailbox.db, Number(s.id));
  if (!user) throw new Error(`user ${String(s.id)} is gone`);
  await w.mailbox.setUserAudio({ name: `${ACTOR.name}:${user.name}` }, kind, user.name, { wav: pcmWav(samples), durationMs: Math.round(samples.length / 8) });
}

function minLength(message: string): { minLength?: number } {
  const n = /(\d+)/.exec(message)?.[1];
  return n ? { minLength: Number(n) } : {};
}

/** 8 kHz mono 16-bit samples as a WAV file (little-endian PCM, RIFF header). */
function pcmWav(samples: Int16Array): Buffer {
  const pcm = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) pcm.writeInt16LE(samples[i] ?? 0, i * 2);
  return Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]);
}
