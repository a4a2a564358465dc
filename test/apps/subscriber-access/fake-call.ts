// A scripted Call on a virtual clock for the subscriber-access tests: no media, no timers. The
// script is what the caller does, step by step; what the application played is logged by prompt
// name (the fake prompt port tags the samples it hands out), so a test reads like the call.
import type { AudioSink, Call, CollectOptions, CollectResult, HangupCause, PlayResult, RecordEnd, RecordOptions, RecordResult, TransferResult } from '../../../src/apps/call.js';

export type Step =
  /** Keys pressed when the application next waits for input (all at once: an entry, a key). */
  | string
  /** The caller presses nothing at the next wait: it times out. */
  | { silence: true }
  /** The caller hangs up at the next play, wait or recording. */
  | { hangup: true }
  /** Keys pressed while a prompt sequence holding `during` plays (it stops if they may stop it). */
  | { during: string; press: string }
  /** The caller hangs up while `during` plays. */
  | { during: string; hangup: true }
  /** What the next recording gets: `ms` of audio (only the first `speechMs` audible), then how it ended. */
  | { record: number; end?: RecordEnd; digit?: string; speechMs?: number };

/** Samples with the names they say: the fake prompt port and fake mailbox tag what they hand out. */
export const TAGS = new WeakMap<Int16Array, string[]>();

export function tagged(names: string[], ms: number): Int16Array {
  const s = new Int16Array(Math.max(1, Math.round(ms * 8)));
  TAGS.set(s, names);
  return s;
}

export interface Played {
  names: string[];
  outcome: PlayResult['outcome'];
  at: number;
}

export class FakeCall implements Call {
  readonly callId = 'fake-call';
  readonly ended: Promise<HangupCause>;
  readonly script: Step[];
  readonly played: Played[] = [];
  readonly transfers: string[] = [];
  readonly recordings: RecordOptions[] = [];
  /** Virtual milliseconds since the call began. */
  now = 0;
  cause: HangupCause | undefined;
  /** Outcomes for successive transfers (default: refused with 405). */
  transferResults: TransferResult[] = [];
  /** The caller hangs up in the middle of this play (0 = the first). */
  hangUpAtPlay: number | undefined;
  #buffer = '';
  #resolve!: (c: HangupCause) => void;

  constructor(script: Step[]) {
    this.script = [...script];
    this.ended = new Promise((r) => (this.#resolve = r));
  }

  get active(): boolean {
    return this.cause === undefined;
  }

  /** Every prompt name played, in order (a message's audio is `audio:<id>`). */
  get names(): string[] {
    return this.played.flatMap((p) => p.names);
  }

  #end(cause: HangupCause): void {
    if (this.cause) return;
    this.cause = cause;
    this.#resolve(cause);
  }

  #head(): Step | undefined {
    return this.script[0];
  }

  /** The caller hangs up now if that is the next step. */
  #hangsUp(): boolean {
    const h = this.#head();
    if (h && typeof h === 'object' && 'hangup' in h && !('during' in h)) {
      this.script.shift();
      this.#end('caller');
    }
    return !this.active;
  }

  async play(samples: Int16Array, options: { interruptDigits?: string } = {}): Promise<PlayResult> {
    await Promise.resolve();
    const names = TAGS.get(samples) ?? [`samples:${samples.length}`];
    const ms = samples.length / 8;
    const log = (outcome: PlayResult['outcome']) => void this.played.push({ names, outcome, at: this.now });
    if (this.#hangsUp()) return { outcome: 'hangup' };
    if (this.played.length === this.hangUpAtPlay) {
      this.now += ms / 2;
      log('hangup');
      this.#end('caller');
      return { outcome: 'hangup' };
    }
    const stop = () => [...this.#buffer].find((d) => options.interruptDigits?.includes(d));
    // A key typed ahead stops the prompt before it starts (call.ts: "or one already waiting").
    const early = stop();
    if (early) {
      log('digit');
      return { outcome: 'digit', digit: early };
    }
    const h = this.#head();
    if (h && typeof h === 'object' && 'during' in h && names.includes(h.during)) {
      this.script.shift();
      this.now += ms / 2;
      if ('hangup' in h) {
        log('hangup');
        this.#end('caller');
        return { outcome: 'hangup' };
      }
      this.#buffer += h.press;
      const d = stop();
      if (d) {
        log('digit');
        return { outcome: 'digit', digit: d };
      }
      this.now += ms / 2;
      log('done');
      return { outcome: 'done' };
    }
    this.now += ms;
    log('done');
    return { outcome: 'done' };
  }

  async record(sink: AudioSink, options: RecordOptions): Promise<RecordResult> {
    await Promise.resolve();
    this.recordings.push(options);
    if (this.#hangsUp()) return { end: 'hangup', durationMs: 0 };
    const h = this.#head();
    if (h && typeof h === 'object' && 'record' in h) {
      this.script.shift();
      const ms = Math.min(h.record, options.maxMs);
      for (let done = 0; done < ms; done += 20) sink.write(Int16Array.from({ length: 160 }, (_, i) => (done >= (h.speechMs ?? Infinity) ? 0 : ((i + done) % 100) * 50)));
      this.now += ms;
      const end = h.end ?? (h.record >= options.maxMs ? 'max-duration' : 'dtmf');
      if (end === 'hangup') this.#end('caller');
      return { end, durationMs: ms, ...(end === 'dtmf' ? { digit: h.digit ?? '#' } : {}) };
    }
    if (h && typeof h === 'object' && 'silence' in h) this.script.shift();
    this.now += options.idleMs;
    return { end: 'silence', durationMs: 0 };
  }

  /** Moves the next scripted keys into the buffer when the caller is asked and has none waiting. */
  #await(): 'keys' | 'none' | 'hangup' {
    if (this.#hangsUp()) return 'hangup';
    if (this.#buffer) return 'keys';
    const h = this.#head();
    if (typeof h === 'string') {
      this.script.shift();
      this.#buffer += h;
      return 'keys';
    }
    if (h && typeof h === 'object' && 'silence' in h) this.script.shift();
    return 'none';
  }

  async collectDigit(timeoutMs: number): Promise<string | undefined> {
    await Promise.resolve();
    if (!this.active) return undefined;
    const w = this.#await();
    if (w !== 'keys') {
      if (w === 'none') this.now += timeoutMs;
      return undefined;
    }
    const d = this.#buffer[0];
    this.#buffer = this.#buffer.slice(1);
    return d;
  }

  async collectDigits(o: CollectOptions): Promise<CollectResult> {
    await Promise.resolve();
    if (!this.active) return { outcome: 'hangup' };
    const w = this.#await();
    if (w === 'hangup') return { outcome: 'hangup' };
    if (w === 'none') {
      this.now += o.firstDigitMs;
      return { outcome: 'timeout', digits: '' };
    }
    const terminator = o.terminator ?? '#';
    let digits = '';
    while (this.#buffer) {
      const d = this.#buffer[0] as string;
      this.#buffer = this.#buffer.slice(1);
      if (terminator && d === terminator) return { outcome: 'digits', digits, terminated: true };
      digits += d;
      if (digits.length >= o.maxDigits) return { outcome: 'digits', digits, terminated: false };
    }
    this.now += o.interDigitMs;
    return { outcome: 'timeout', digits };
  }

  flushDigits(): void {
    this.#buffer = '';
  }

  async transfer(target: string): Promise<TransferResult> {
    await Promise.resolve();
    this.transfers.push(target);
    if (this.#hangsUp()) return { outcome: 'hangup' };
    const r = this.transferResults.shift() ?? { outcome: 'refused', status: 405, reason: 'Method Not Allowed' };
    if (r.outcome === 'hangup') this.#end('caller');
    return r;
  }

  hangup(): void {
    this.#end('app');
  }
}
