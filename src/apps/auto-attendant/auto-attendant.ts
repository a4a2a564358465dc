// The auto attendant (Exchange's UMAutoAttendant) over a `Call`: the greeting of the moment
// (holiday, business hours or after hours, by the clock it is given in the auto attendant's time
// zone), then the menu of keys, each digit interrupting the prompts (and kept by type-ahead):
//   1-9  as mapped: blind transfer to an extension, another auto attendant, an announcement (then
//        back to the menu), or a user's voice mail (handed to call answering)
//   0    the operator, when one is set
//   #    dial by extension (the dial plan's number of digits; the user must exist)
//   *    dial by name, spelled on the keypad by last or first name, # to end
// A custom greeting is the menu (the administrator's recording says the choices); the system
// greeting is followed by a system menu read from the mappings. A refused transfer (a gateway
// answering REFER with 405, RFC 3515 §2.4.2) says so and returns to the menu. Unknown keys and
// silence count as input failures; at the dial plan's limit the call ends politely.
import type { Call, PlayResult } from '../call.js';
import { scheduleAt } from '../../week-schedule.js';
import { matchByKeypad } from './dial-by-name.js';
import {
  DEFAULT_TIMINGS, type AutoAttendantConfig, type AutoAttendantOutcome, type AutoAttendantServices, type AutoAttendantTimings,
  type DirectoryEntry, type MenuKey,
} from './types.js';

const ALL_DIGITS = '0123456789*#';
/** Auto attendants one call may pass through (keys leading to each other): a guard, not a limit callers meet. */
const MAX_HOPS = 20;
/** Several matching names are read out up to this many (keys 1-9). */
const MAX_CHOICES = 9;

type Part = string | Int16Array;
type Step = AutoAttendantOutcome | 'menu';

class CallerGone extends Error {}

export async function runAutoAttendant(call: Call, config: AutoAttendantConfig, services: AutoAttendantServices,
  timings: AutoAttendantTimings = DEFAULT_TIMINGS): Promise<AutoAttendantOutcome> {
  const session = new AutoAttendantSession(call, services, timings, config);
  try {
    return await session.run();
  } catch (e) {
    if (e instanceof CallerGone) return { kind: 'hangup' };
    throw e;
  }
}

class AutoAttendantSession {
  readonly #call: Call;
  readonly #s: AutoAttendantServices;
  readonly #t: AutoAttendantTimings;
  #aa: AutoAttendantConfig;
  #hours: 'business' | 'after' = 'business';
  #menuAudio: Int16Array | undefined;
  #failures = 0;
  #hops = 0;
  #directory: DirectoryEntry[] | undefined;

  constructor(call: Call, s: AutoAttendantServices, t: AutoAttendantTimings, aa: AutoAttendantConfig) {
    this.#call = call;
    this.#s = s;
    this.#t = t;
    this.#aa = aa;
  }

  async run(): Promise<AutoAttendantOutcome> {
    if (!this.#aa.enabled) {
      await this.#say(['aa-not-available'], false);
      this.#call.hangup();
      return { kind: 'disabled' };
    }
    await this.#enter(this.#aa);
    for (;;) {
      await this.#say(await this.#menu());
      const c = await this.#call.collectDigits({ maxDigits: 1, terminator: '', firstDigitMs: this.#t.menuMs, interDigitMs: this.#t.menuMs });
      if (c.outcome === 'hangup') return { kind: 'hangup' };
      const step = c.outcome === 'timeout' || c.digits === '' ? await this.#fail('aa-no-input') : await this.#key(c.digits);
      if (step !== 'menu') return step;
    }
  }

  /** Arrives at an auto attendant: picks the greeting and the menu of the moment, plays a system greeting. */
  async #enter(aa: AutoAttendantConfig): Promise<void> {
    this.#aa = aa;
    const now = scheduleAt(this.#s.now(), aa.timeZone, aa.hours, aa.holidays);
    this.#hours = now.kind === 'business-hours' ? 'business' : 'after';
    const [slot, custom, system] = now.kind === 'holiday'
      ? [`holiday:${now.holiday.id}`, now.holiday.greeting === 'custom', 'aa-holiday']
      : now.kind === 'business-hours'
        ? ['business-hours', aa.greetings.businessHours === 'custom', 'aa-welcome']
        : ['after-hours', aa.greetings.afterHours === 'custom', 'aa-after-hours'];
    this.#menuAudio = custom ? await this.#s.audio(aa.id, slot) : undefined;
    if (!this.#menuAudio) await this.#say([system]);
  }

  get #keys(): MenuKey[] {
    return this.#aa.keys[this.#hours];
  }

  /** The custom greeting (it says the choices), or the system menu read from the mappings. */
  async #menu(): Promise<Part[]> {
    if (this.#menuAudio) return [this.#menuAudio];
    const parts: Part[] = [];
    for (const k of [...this.#keys].sort((a, b) => a.key.localeCompare(b.key))) {
      if (k.action === 'transfer') parts.push('aa-for-extension', ...k.extension, 'aa-press', k.key);
      else if (k.action === 'autoattendant') parts.push('aa-for-more-options', 'aa-press', k.key);
      else if (k.action === 'announcement') parts.push('aa-for-information', 'aa-press', k.key);
      else {
        const user = (await this.#users()).find((u) => u.userId === k.userId);
        if (user) parts.push('aa-for-voicemail', ...user.extension, 'aa-press', k.key);
      }
    }
    if (this.#aa.operatorExtension !== null) parts.push('aa-for-operator');
    if (this.#aa.dialByExtension) parts.push('aa-dial-by-extension');
    if (this.#aa.dialByName !== 'off') parts.push('aa-dial-by-name');
    return parts;
  }

  async #key(digit: string): Promise<Step> {
    if (digit === '0') return this.#aa.operatorExtension !== null ? this.#transfer(this.#aa.operatorExtension) : this.#fail('aa-invalid-entry');
    if (digit === '#') return this.#aa.dialByExtension ? this.#byExtension() : this.#fail('aa-invalid-entry');
    if (digit === '*') return this.#aa.dialByName !== 'off' ? this.#byName(this.#aa.dialByName) : this.#fail('aa-invalid-entry');
    const k = this.#keys.find((m) => m.key === digit);
    if (!k) return this.#fail('aa-invalid-entry');
    switch (k.action) {
      case 'transfer':
        return this.#transfer(k.extension);
      case 'voicemail':
        await this.#s.leaveMessage(k.userId);
        return { kind: 'voicemail', userId: k.userId };
      case 'announcement': {
        const audio = await this.#s.audio(this.#aa.id, `announcement:${this.#hours}:${k.key}`);
        if (!audio) return this.#fail('aa-invalid-entry');
        await this.#say([audio]);
        this.#failures = 0;
        return 'menu';
      }
      case 'autoattendant': {
        const next = this.#hops < MAX_HOPS ? await this.#s.loadAutoAttendant(k.autoAttendantId) : undefined;
        if (!next || !next.enabled) return this.#fail('aa-invalid-entry');
        this.#hops += 1;
        this.#failures = 0;
        await this.#enter(next);
        return 'menu';
      }
    }
  }

  /** Blind transfer (REFER); refused: say so and go back to the menu. */
  async #transfer(extension: string): Promise<Step> {
    await this.#say(['aa-transferring'], false);
    const target = this.#s.transferTarget(extension);
    const r = await this.#call.transfer(target);
    if (r.outcome === 'hangup') return { kind: 'hangup' };
    if (r.outcome === 'transferred') {
      if (this.#call.active) this.#call.hangup();
      return { kind: 'transferred', extension, target };
    }
    this.#call.flushDigits();
    await this.#say(['aa-transfer-failed']);
    return 'menu';
  }

  async #byExtension(): Promise<Step> {
    await this.#say(['aa-enter-extension']);
    const length = this.#aa.extensionLength;
    const c = await this.#call.collectDigits({
      maxDigits: length ?? 20, terminator: '#', firstDigitMs: this.#t.firstDigitMs, interDigitMs: this.#t.interDigitMs,
    });
    if (c.outcome === 'hangup') return { kind: 'hangup' };
    if (c.digits === '') return this.#fail('aa-no-input');
    const user = (await this.#users()).find((u) => u.extension === c.digits);
    return user ? this.#transfer(user.extension) : this.#fail('aa-no-such-extension');
  }

  async #byName(by: 'LastName' | 'FirstName'): Promise<Step> {
    await this.#say([by === 'LastName' ? 'aa-spell-last-name' : 'aa-spell-first-name']);
    const c = await this.#call.collectDigits({ maxDigits: 30, terminator: '#', firstDigitMs: this.#t.firstDigitMs, interDigitMs: this.#t.interDigitMs });
    if (c.outcome === 'hangup') return { kind: 'hangup' };
    if (c.digits === '') return this.#fail('aa-no-input');
    const matches = matchByKeypad(await this.#users(), c.digits, by);
    if (matches.length === 0) return this.#fail('aa-no-match');
    if (matches.length === 1) return this.#transfer(matches[0]!.extension);
    if (matches.length > MAX_CHOICES) return this.#fail('aa-too-many-matches');
    // Read them out one by one, "for <name>, press N"; any key stops the list.
    for (const [i, m] of matches.entries()) {
      const name = await this.#s.recordedName(m.userId);
      const said = await this.#say(name ? ['aa-for', name, 'aa-press', String(i + 1)] : ['aa-for-extension', ...m.extension, 'aa-press', String(i + 1)]);
      if (said.outcome === 'digit') break;
    }
    const pick = await this.#call.collectDigits({ maxDigits: 1, terminator: '', firstDigitMs: this.#t.menuMs, interDigitMs: this.#t.menuMs });
    if (pick.outcome === 'hangup') return { kind: 'hangup' };
    if (pick.digits === '') return this.#fail('aa-no-input');
    const chosen = matches[Number(pick.digits) - 1];
    return chosen && /^[1-9]$/.test(pick.digits) ? this.#transfer(chosen.extension) : this.#fail('aa-invalid-entry');
  }

  /** An input failure: says why, or at the dial plan's limit says goodbye and hangs up. */
  async #fail(prompt: string): Promise<Step> {
    this.#failures += 1;
    if (this.#failures >= this.#aa.inputFailuresBeforeDisconnect) {
      this.#call.flushDigits();
      await this.#say(['aa-too-many-failures'], false);
      if (this.#call.active) this.#call.hangup();
      return { kind: 'failures' };
    }
    await this.#say([prompt]);
    return 'menu';
  }

  async #users(): Promise<DirectoryEntry[]> {
    this.#directory ??= await this.#s.directory();
    return this.#directory;
  }

  /** Plays prompts (names) and audio joined; digits interrupt unless `interrupt` is false. */
  async #say(parts: Part[], interrupt = true): Promise<PlayResult> {
    if (!this.#call.active) throw new CallerGone();
    const pieces = await Promise.all(parts.map((p) => (typeof p === 'string' ? this.#s.prompts.load(p, this.#aa.language) : p)));
    const samples = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      samples.set(p, at);
      at += p.length;
    }
    const r = await this.#call.play(samples, interrupt ? { interruptDigits: ALL_DIGITS } : undefined);
    if (r.outcome === 'hangup') throw new CallerGone();
    return r;
  }
}
