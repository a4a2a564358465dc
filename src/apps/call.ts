// A call as the applications see it (ARCHITECTURE.md: "apps/ see a call as an object with play,
// record, collectDigits, transfer, hangup"): no SIP, no RTP, just audio and digits. The worker
// builds one per answered call (media-call.ts); call answering, and later subscriber access and
// the auto attendant, are written against this interface only.

export type PlayResult =
  | { outcome: 'done' }
  /** A digit from `interruptDigits` was pressed: the prompt stopped there. */
  | { outcome: 'digit'; digit: string }
  | { outcome: 'hangup' };

/** Where a recording goes, frame by frame (a WavRecorder writing as it records). */
export interface AudioSink {
  /**
   * Takes one frame's samples, synchronously (at hundreds of calls a worker takes 50 frames a
   * second each): the sink copies what it keeps. Throws once the sink cannot take more (its file
   * failed); the recording then ends as failed.
   */
  write(samples: Int16Array): void;
}

export interface RecordOptions {
  /** The dial plan's maximum recording duration. */
  maxMs: number;
  /** The dial plan's recording idle timeout: this much silence (or nothing received) ends it. */
  idleMs: number;
  /** Digits that end the recording ('#'). */
  stopDigits: string;
}

export type RecordEnd = 'hangup' | 'dtmf' | 'silence' | 'max-duration' | 'failed';

export interface RecordResult {
  end: RecordEnd;
  /** Audio handed to the sink, in ms. */
  durationMs: number;
  digit?: string;
  /** With end 'failed': why the sink refused the audio. */
  error?: unknown;
}

export type HangupCause = 'caller' | 'app' | 'max-call' | 'shutdown';

/** How `collectDigits` gathers an entry (an extension, a PIN, a menu choice). */
export interface CollectOptions {
  /** The entry is complete at this many digits. */
  maxDigits: number;
  /** A digit that ends the entry early and is not part of it ('#' by default; '' for none). */
  terminator?: string;
  /** How long to wait for the first digit. */
  firstDigitMs: number;
  /** How long to wait for each further digit. */
  interDigitMs: number;
}

export type CollectResult =
  /** The entry (possibly empty when only the terminator was pressed). */
  | { outcome: 'digits'; digits: string; terminated: boolean }
  /** No digit (or no further digit) came in time; `digits` holds what did. */
  | { outcome: 'timeout'; digits: string }
  | { outcome: 'hangup' };

export type TransferResult =
  /** The peer accepted the REFER (2xx) and, where it reported progress, the transfer succeeded. */
  | { outcome: 'transferred' }
  /** The peer refused the REFER or the referred call failed: the caller is still with us. */
  | { outcome: 'refused'; status: number; reason: string }
  | { outcome: 'hangup' };

export interface Call {
  readonly callId: string;
  /** False once either side hung up. */
  readonly active: boolean;
  /** Resolves when the call has ended, with who or what ended it. */
  readonly ended: Promise<HangupCause>;
  /**
   * Plays samples. With `interruptDigits`, a digit among them (or one already waiting in the
   * type-ahead buffer) stops the prompt; that digit stays in the buffer for `collectDigits`.
   */
  play(samples: Int16Array, options?: { interruptDigits?: string }): Promise<PlayResult>;
  /**
   * Records the caller. Digits typed ahead before it are forgotten (they answered the prompts
   * before it); a stop digit pressed during it ends it and is consumed, not buffered.
   */
  record(sink: AudioSink, options: RecordOptions): Promise<RecordResult>;
  /** Waits up to `timeoutMs` for one digit (taken from the type-ahead buffer first). */
  collectDigit(timeoutMs: number): Promise<string | undefined>;
  /**
   * Gathers digits: those pressed since the last collection (the type-ahead buffer, so a digit
   * pressed during a prompt is not lost) and then new ones, up to `maxDigits` or the terminator.
   */
  collectDigits(options: CollectOptions): Promise<CollectResult>;
  /** Forgets digits pressed so far (e.g. before asking a question whose answer must be fresh). */
  flushDigits(): void;
  /** Blind transfer of the caller to `target` (a SIP or tel URI): REFER, RFC 3515. */
  transfer(target: string): Promise<TransferResult>;
  hangup(): void;
}
