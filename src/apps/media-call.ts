// The Call of call.ts over a MediaChannel: prompts, recordings and digits on the media, hang-up
// through a function the worker gives (a SIP BYE). When the far end hangs up, `terminate` ends
// every pending play, record and digit wait at once, so an application never waits on a call that
// is gone.
import { isSilent } from '../media/audio/silence-detector.js';
import type { MediaChannel } from '../media/media-channel.js';
import type { AudioSink, Call, CollectOptions, CollectResult, HangupCause, PlayResult, RecordOptions, RecordResult, TransferResult } from './call.js';

const SAMPLES_PER_MS = 8;

export class MediaCall implements Call {
  readonly callId: string;
  readonly ended: Promise<HangupCause>;
  readonly #media: MediaChannel;
  readonly #hangup: () => void;
  #cause: HangupCause | undefined;
  #resolveEnded!: (cause: HangupCause) => void;
  readonly #onEnd = new Set<() => void>();

  constructor(callId: string, media: MediaChannel, hangup: () => void) {
    this.callId = callId;
    this.#media = media;
    this.#hangup = hangup;
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
  }

  get active(): boolean {
    return this.#cause === undefined;
  }

  /** The call ended (BYE either way, CANCEL, maximum duration, shutdown). Idempotent. */
  terminate(cause: HangupCause): void {
    if (this.#cause) return;
    this.#cause = cause;
    for (const f of [...this.#onEnd]) f();
    this.#onEnd.clear();
    this.#resolveEnded(cause);
  }

  hangup(): void {
    if (!this.active) return;
    this.terminate('app');
    this.#hangup();
  }

  play(samples: Int16Array, options: { interruptDigits?: string } = {}): Promise<PlayResult> {
    if (!this.active) return Promise.resolve({ outcome: 'hangup' });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: PlayResult) => {
        if (settled) return;
        settled = true;
        offDigit();
        this.#onEnd.delete(onEnd);
        resolve(r);
      };
      const onEnd = () => {
        this.#media.stopPlayback();
        finish({ outcome: 'hangup' });
      };
      this.#onEnd.add(onEnd);
      const offDigit = this.#media.onDigit((digit) => {
        if (!options.interruptDigits?.includes(digit)) return;
        this.#media.stopPlayback();
        finish({ outcome: 'digit', digit });
      });
      void this.#media.play(samples).then((completed) => {
        if (completed) finish({ outcome: 'done' });
      });
    });
  }

  collectDigit(timeoutMs: number): Promise<string | undefined> {
    if (!this.active) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const done = (d: string | undefined) => {
        clearTimeout(timer);
        offDigit();
        this.#onEnd.delete(onEnd);
        resolve(d);
      };
      const onEnd = () => done(undefined);
      this.#onEnd.add(onEnd);
      const offDigit = this.#media.onDigit((d) => done(d));
      const timer = setTimeout(() => done(undefined), timeoutMs);
    });
  }

  // Placeholders until the type-ahead buffer and transfer land (issue 8, helper D).
  collectDigits(_options: CollectOptions): Promise<CollectResult> {
    return Promise.reject(new Error('collectDigits is not implemented yet'));
  }

  flushDigits(): void {}

  transfer(_target: string): Promise<TransferResult> {
    return Promise.reject(new Error('transfer is not implemented yet'));
  }

  /**
   * Records until hang-up, a stop digit, `idleMs` of silence or nothing received, or `maxMs` of
   * audio. The frames still in the jitter buffer when it ends are written too, so the last
   * words before a hang-up are kept.
   */
  record(sink: AudioSink, options: RecordOptions): Promise<RecordResult> {
    if (!this.active) return Promise.resolve({ end: 'hangup', durationMs: 0 });
    return new Promise((resolve) => {
      let samples = 0;
      let elapsedMs = 0;
      let quietMs = 0;
      let settled = false;
      let writing: Promise<void> = Promise.resolve();
      let failure: unknown;
      const write = (frame: Int16Array) => {
        samples += frame.length;
        writing = writing.then(() => sink.write(frame)).catch((e: unknown) => {
          failure ??= e;
        });
      };
      const finish = (end: RecordResult['end'], digit?: string) => {
        if (settled) return;
        settled = true;
        offDigit();
        this.#onEnd.delete(onEnd);
        // What the jitter buffer still holds arrived before the end: keep it, except past the
        // maximum length, which is a limit.
        const rest = this.#media.stopCapture();
        if (end !== 'max-duration') for (const f of rest) write(f);
        void writing.then(() => {
          const durationMs = samples / SAMPLES_PER_MS;
          resolve(failure !== undefined ? { end: 'failed', durationMs, error: failure } : { end, durationMs, ...(digit ? { digit } : {}) });
        });
      };
      const onEnd = () => finish('hangup');
      this.#onEnd.add(onEnd);
      const offDigit = this.#media.onDigit((digit) => {
        if (options.stopDigits.includes(digit)) finish('dtmf', digit);
      });
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
