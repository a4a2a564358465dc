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
  write(samples: Int16Array): Promise<void>;
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

export interface Call {
  readonly callId: string;
  /** False once either side hung up. */
  readonly active: boolean;
  /** Resolves when the call has ended, with who or what ended it. */
  readonly ended: Promise<HangupCause>;
  play(samples: Int16Array, options?: { interruptDigits?: string }): Promise<PlayResult>;
  record(sink: AudioSink, options: RecordOptions): Promise<RecordResult>;
  /** Waits up to `timeoutMs` for one digit. */
  collectDigit(timeoutMs: number): Promise<string | undefined>;
  hangup(): void;
}
