// One subscriber-access call in progress: the Call, the ports, the dial plan's limits, and the
// few moves every menu is made of (say, ask for a key, gather an entry, count a failure, end).
// The caller hanging up, or the application ending the call, unwinds the menus with `CallOver`
// (control flow, never seen outside this directory): every menu step is one line, and none can
// forget to check for a hang-up.
import { OpenUmError } from '../../errors.js';
import type { Call, CollectOptions } from '../call.js';
import type { MessageSummary, Subscriber, SubscriberAccessPorts } from './ports.js';

/** How a subscriber-access call ended. */
export type EndReason =
  /** The caller hung up (or the call was ended under us: maximum duration, shutdown). */
  | 'hangup'
  /** The caller said goodbye (`*` at the main menu). */
  | 'goodbye'
  /** The dial plan's input-failure limit: no key, or invalid keys, too many times in a row. */
  | 'input-failures'
  /** The dial plan's logon-failure limit: wrong PINs or unknown extensions. */
  | 'logon-failures'
  | 'locked'
  /** "Call the sender": the gateway took the caller on. */
  | 'transferred';

export class CallOver {
  constructor(readonly reason: EndReason) {}
}

export interface Timing {
  /** After a menu prompt: how long to wait for a key. */
  menuMs: number;
  /** An extension or PIN: the wait for the first digit, then for each next one. */
  firstDigitMs: number;
  interDigitMs: number;
}

export const DEFAULT_TIMING: Timing = { menuMs: 5000, firstDigitMs: 5000, interDigitMs: 3000 };

/** The longest PIN a mailbox policy allows (Exchange: 4–24 digits). */
export const MAX_PIN_DIGITS = 24;

/** Every key: prompts stop at any of them (type-ahead), the key then answers the menu. */
export const ANY_KEY = '0123456789*#';

export interface SessionLimits {
  inputFailures: number;
  logonFailures: number;
}

export class Session {
  readonly call: Call;
  readonly ports: SubscriberAccessPorts;
  /** The dial plan's language until logon, then the subscriber's own when they chose one. */
  language: string;
  readonly timing: Timing;
  readonly limits: SessionLimits;
  user: Subscriber | undefined;
  /** Messages deleted in this call and not undeleted, oldest first (undelete takes the last). */
  readonly deleted: { message: MessageSummary; fresh: boolean }[] = [];
  #inputFailures = 0;
  logonFailures = 0;

  constructor(call: Call, ports: SubscriberAccessPorts, language: string, timing: Timing, limits: SessionLimits) {
    this.call = call;
    this.ports = ports;
    this.language = language;
    this.timing = timing;
    this.limits = limits;
  }

  /** The logged-on subscriber (menus after logon only). */
  get subscriber(): Subscriber {
    if (!this.user) throw new OpenUmError('INTERNAL', 'subscriber access: a menu was reached before logon');
    return this.user;
  }

  /** Plays prompts; with `interruptible`, any key stops them and is left for the next question. */
  async say(names: readonly string[], interruptible = true): Promise<string | undefined> {
    return this.play(await this.ports.prompts.sequence(names, this.language), interruptible);
  }

  async play(samples: Int16Array, interruptible = true): Promise<string | undefined> {
    const r = await this.call.play(samples, interruptible ? { interruptDigits: ANY_KEY } : {});
    if (r.outcome === 'hangup') throw new CallOver('hangup');
    return r.outcome === 'digit' ? r.digit : undefined;
  }

  /** One key, typed ahead or within the menu timeout; undefined when none came. */
  async key(timeoutMs = this.timing.menuMs): Promise<string | undefined> {
    const k = await this.call.collectDigit(timeoutMs);
    if (!this.call.active) throw new CallOver('hangup');
    return k;
  }

  /**
   * A menu: says `names`, waits for one of `keys`. `0` (help) says the options again; no key or
   * another key counts as an input failure and the options are said again.
   */
  async menu(names: readonly string[], keys: string): Promise<string> {
    for (;;) {
      await this.say(names);
      const k = await this.key();
      if (k === '0') {
        this.succeeded();
        continue;
      }
      if (k !== undefined && keys.includes(k)) {
        this.succeeded();
        return k;
      }
      await this.failed(k === undefined ? undefined : ['invalid']);
    }
  }

  /**
   * An entry of up to `longest` digits ended by `#` or the inter-digit timeout (an extension, a
   * PIN); '' when nothing came in time. There is room for one digit more, so the `#` after a
   * full-length entry ends it rather than staying typed ahead for the next question (where it
   * would end the PIN entry at once); a longer entry is returned as typed and refused by its check.
   */
  async entry(longest: number): Promise<string> {
    const o: CollectOptions = { maxDigits: longest + 1, terminator: '#', firstDigitMs: this.timing.firstDigitMs, interDigitMs: this.timing.interDigitMs };
    const r = await this.call.collectDigits(o);
    if (r.outcome === 'hangup') throw new CallOver('hangup');
    return r.digits;
  }

  /** A valid choice: the failure count starts again. */
  succeeded(): void {
    this.#inputFailures = 0;
  }

  /**
   * An input failure: no key or entry in time (`why` undefined), or one that means nothing here
   * (`why` says so: "not valid", "the PINs differ"; keys typed ahead are forgotten first). At the
   * dial plan's limit, N in a row, the call ends politely.
   */
  async failed(why?: readonly string[]): Promise<void> {
    this.#inputFailures++;
    if (this.#inputFailures >= this.limits.inputFailures) await this.end('input-failures', [...(why ?? []), 'sa-too-many-failures', 'goodbye']);
    if (why) {
      this.call.flushDigits();
      await this.say(why, false);
    }
  }

  /** Says `names` (not interruptible), hangs up, unwinds; the reason stays if the caller hangs up first. */
  async end(reason: EndReason, names: readonly string[]): Promise<never> {
    try {
      await this.say(names, false);
    } catch (err) {
      if (!(err instanceof CallOver)) throw err;
    }
    this.call.hangup();
    throw new CallOver(reason);
  }
}
