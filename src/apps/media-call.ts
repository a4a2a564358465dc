// The Call of call.ts over a MediaChannel: prompts, recordings and digits on the media, hang-up
// and transfer through functions the worker gives (a SIP BYE, a REFER). When the far end hangs
// up, `terminate` ends every pending play, record, digit wait and transfer at once, so an
// application never waits on a call that is gone.
//
// Type-ahead: every RFC 4733 digit the channel reports goes into a bounded buffer from the moment
// the call starts, so a caller who knows the menu can press keys during a prompt and none is
// lost. collectDigit(s) take from that buffer first; an interruptible prompt stops at once when an
// interrupting digit is already waiting and leaves it there for the collection that follows.
import { isSilent } from '../media/audio/silence-detector.js';
import type { MediaEndpoint } from '../media/media-host.js';
import type { AudioSink, Call, CollectOptions, CollectResult, HangupCause, PlayResult, RecordOptions, RecordResult, TransferResult } from './call.js';

const SAMPLES_PER_MS = 8;

/** Digits kept for the application at most; further presses are dropped until it collects. */
export const DEFAULT_MAX_BUFFERED_DIGITS = 32;

/** What MediaCall uses of a MediaChannel (the unit tests give a fake). */
export type CallMedia = Pick<MediaEndpoint, 'onDigit' | 'play' | 'stopPlayback' | 'startCapture' | 'stopCapture'>;

/** Sends the REFER (RFC 3515) and follows its NOTIFY progress; given by the worker's dialog layer. */
export type TransferFunction = (target: string) => Promise<TransferResult>;

export interface MediaCallOptions {
  /** Blind transfer; without it `transfer` answers refused (501) and the caller stays. */
  transfer?: TransferFunction;
  /** The type-ahead buffer's bound (32 by default). */
  maxBufferedDigits?: number;
}

type Wait = 'digit' | 'timeout' | 'hangup';

export class MediaCall implements Call {
  readonly callId: string;
  readonly ended: Promise<HangupCause>;
  readonly #media: CallMedia;
  readonly #hangup: () => void;
  readonly #transfer: TransferFunction | undefined;
  readonly #maxBuffered: number;
  #cause: HangupCause | undefined;
  #resolveEnded!: (cause: HangupCause) => void;
  readonly #onEnd = new Set<() => void>();
  /** The type-ahead buffer, oldest first. */
  #buffer = '';
  #dropped = 0;
  /** Told of each digit after it is buffered (prompt interruption, digit waits). */
  readonly #onBuffered = new Set<(digit: string) => void>();
  /** While recording: takes the stop digits before they reach the buffer. */
  #consume: ((digit: string) => boolean) | undefined;
  readonly #offDigit: () => void;

  constructor(callId: string, media: CallMedia, hangup: () => void, options: MediaCallOptions = {}) {
    this.callId = callId;
    this.#media = media;
    this.#hangup = hangup;
    this.#transfer = options.transfer;
    this.#maxBuffered = Math.max(1, options.maxBufferedDigits ?? DEFAULT_MAX_BUFFERED_DIGITS);
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
    this.#offDigit = media.onDigit((digit) => this.#digit(digit));
  }

  get active(): boolean {
    return this.#cause === undefined;
  }

  /** Digits waiting in the type-ahead buffer, and how many were dropped because it was full. */
  get typeAhead(): { digits: string; dropped: number } {
    return { digits: this.#buffer, dropped: this.#dropped };
  }

  /** The call ended (BYE either way, CANCEL, maximum duration, shutdown). Idempotent. */
  terminate(cause: HangupCause): void {
    if (this.#cause) return;
    this.#cause = cause;
    this.#offDigit();
    for (const f of [...this.#onEnd]) f();
    this.#onEnd.clear();
    this.#onBuffered.clear();
    this.#resolveEnded(cause);
  }

  hangup(): void {
    if (!this.active) return;
    this.terminate('app');
    this.#hangup();
  }

  #digit(digit: string): void {
    if (!this.active) return;
    if (this.#consume?.(digit)) return;
    // Full: the digits already waiting answer the questions asked first, so the newest is dropped.
    if (this.#buffer.length >= this.#maxBuffered) this.#dropped++;
    else this.#buffer += digit;
    for (const f of [...this.#onBuffered]) f(digit);
  }

  flushDigits(): void {
    this.#buffer = '';
  }

  play(samples: Int16Array, options: { interruptDigits?: string } = {}): Promise<PlayResult> {
    if (!this.active) return Promise.resolve({ outcome: 'hangup' });
    const interrupt = options.interruptDigits ?? '';
    const waiting = [...this.#buffer].find((d) => interrupt.includes(d));
    if (waiting) return Promise.resolve({ outcome: 'digit', digit: waiting });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: PlayResult) => {
        if (settled) return;
        settled = true;
        this.#onBuffered.delete(onDigit);
        this.#onEnd.delete(onEnd);
        resolve(r);
      };
      const onEnd = () => {
        this.#media.stopPlayback();
        finish({ outcome: 'hangup' });
      };
      const onDigit = (digit: string) => {
        if (!interrupt.includes(digit)) return;
        this.#media.stopPlayback();
        finish({ outcome: 'digit', digit });
      };
      this.#onEnd.add(onEnd);
      this.#onBuffered.add(onDigit);
      void this.#media.play(samples).then((completed) => {
        if (completed) finish({ outcome: 'done' });
      });
    });
  }

  /** Resolves 'digit' as soon as the buffer holds one (at once if it does), else on timeout or hang-up. */
  #waitDigit(timeoutMs: number): Promise<Wait> {
    if (!this.active) return Promise.resolve('hangup');
    if (this.#buffer.length > 0) return Promise.resolve('digit');
    return new Promise((resolve) => {
      const done = (w: Wait) => {
        clearTimeout(timer);
        this.#onBuffered.delete(onDigit);
        this.#onEnd.delete(onEnd);
        resolve(w);
      };
      const onDigit = () => {
        if (this.#buffer.length > 0) done('digit');
      };
      const onEnd = () => done('hangup');
      this.#onBuffered.add(onDigit);
      this.#onEnd.add(onEnd);
      const timer = setTimeout(() => done('timeout'), Math.max(0, timeoutMs));
    });
  }

  #take(): string {
    const d = this.#buffer.charAt(0);
    this.#buffer = this.#buffer.slice(1);
    return d;
  }

  async collectDigit(timeoutMs: number): Promise<string | undefined> {
    return (await this.#waitDigit(timeoutMs)) === 'digit' ? this.#take() : undefined;
  }

  /**
   * The buffered digits first, then new ones: `firstDigitMs` for the first, `interDigitMs` after
   * each. Ends at `maxDigits` or on the terminator (consumed, not part of the entry); digits past
   * the end stay buffered for the next collection.
   */
  async collectDigits(options: CollectOptions): Promise<CollectResult> {
    const { maxDigits, firstDigitMs, interDigitMs } = options;
    if (!Number.isInteger(maxDigits) || maxDigits < 1) throw new RangeError(`collectDigits: maxDigits must be a positive integer, not ${maxDigits}`);
    const terminator = options.terminator ?? '#';
    let digits = '';
    for (;;) {
      const w = await this.#waitDigit(digits ? interDigitMs : firstDigitMs);
      if (w === 'hangup') return { outcome: 'hangup' };
      if (w === 'timeout') return { outcome: 'timeout', digits };
      const d = this.#take();
      if (terminator.includes(d)) return { outcome: 'digits', digits, terminated: true };
      digits += d;
      if (digits.length >= maxDigits) return { outcome: 'digits', digits, terminated: false };
    }
  }

  /**
   * Blind transfer through the worker's REFER. A call that ends meanwhile (the gateway usually
   * hangs up once the transfer has succeeded) answers 'hangup'; a transfer function that fails
   * answers refused, so the application can tell the caller and carry on.
   */
  transfer(target: string): Promise<TransferResult> {
    if (!this.active) return Promise.resolve({ outcome: 'hangup' });
    const refer = this.#transfer;
    if (!refer) return Promise.resolve({ outcome: 'refused', status: 501, reason: 'Transfer is not available on this call' });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: TransferResult) => {
        if (settled) return;
        settled = true;
        this.#onEnd.delete(onEnd);
        resolve(r);
      };
      const onEnd = () => finish({ outcome: 'hangup' });
      this.#onEnd.add(onEnd);
      refer(target).then(finish, (err: unknown) => finish({ outcome: 'refused', status: 500, reason: err instanceof Error ? err.message : String(err) }));
    });
  }

  /**
   * Records until hang-up, a stop digit, `idleMs` of silence or nothing received, or `maxMs` of
   * audio. The frames still in the jitter buffer when it ends are written too, so the last
   * words before a hang-up are kept. Digits typed ahead before the recording belonged to the
   * prompts before it and are forgotten; a stop digit pressed during it is consumed (it does not
   * reach the type-ahead buffer), other digits are buffered as always.
   */
  record(sink: AudioSink, options: RecordOptions): Promise<RecordResult> {
    if (!this.active) return Promise.resolve({ end: 'hangup', durationMs: 0 });
    this.flushDigits();
    return new Promise((resolve) => {
      let samples = 0;
      let elapsedMs = 0;
      let quietMs = 0;
      let settled = false;
      let failure: unknown;
      const write = (frame: Int16Array) => {
        if (failure !== undefined) return;
        try {
          sink.write(frame);
          samples += frame.length;
        } catch (e) {
          failure = e;
        }
      };
      const finish = (end: RecordResult['end'], digit?: string) => {
        if (settled) return;
        settled = true;
        if (this.#consume === consume) this.#consume = undefined;
        this.#onEnd.delete(onEnd);
        // What the jitter buffer still holds arrived before the end: keep it, except past the
        // maximum length, which is a limit.
        void Promise.resolve(this.#media.stopCapture()).then((rest) => {
          if (end !== 'max-duration') for (const f of rest) write(f);
        }).then(() => {
          const durationMs = samples / SAMPLES_PER_MS;
          resolve(failure !== undefined ? { end: 'failed', durationMs, error: failure } : { end, durationMs, ...(digit ? { digit } : {}) });
        });
      };
      const onEnd = () => finish('hangup');
      this.#onEnd.add(onEnd);
      const consume = (digit: string): boolean => {
        if (!options.stopDigits.includes(digit)) return false;
        finish('dtmf', digit);
        return true;
      };
      this.#consume = consume;
      this.#media.startCapture((frame, kind, ms) => {
        if (settled) return;
        elapsedMs += ms;
        if (frame) write(frame);
        quietMs = frame && kind === 'audio' && !isSilent(frame) ? 0 : quietMs + ms;
        if (failure !== undefined) finish('failed');
        else if (samples / SAMPLES_PER_MS >= options.maxMs || elapsedMs >= options.maxMs + 2000) finish('max-duration');
        else if (quietMs >= options.idleMs) finish('silence');
      });
    });
  }
}
