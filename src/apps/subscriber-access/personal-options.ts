// Personal options: 1 record the personal greeting, 2 record your name, 3 change the PIN,
// 0 help, * main menu. A recording is reviewed before it replaces anything: 1 listen, 2 accept,
// 3 record again, * cancel (the old greeting or name stays). A key during the instructions skips
// to the tone (`*` goes back); `#` ends the recording, `*` during it cancels.
import { isSilent } from '../../media/audio/silence-detector.js';
import type { AudioSink } from '../call.js';
import { changePin } from './change-pin.js';
import { CallOver, type Session } from './session.js';

export interface RecordingLimits {
  maxGreetingMs: number;
  maxNameMs: number;
  /** The dial plan's recording idle timeout: this much silence ends a recording. */
  idleMs: number;
}

/** Less speech than this (frames above the silence threshold) is "nothing recorded". */
export const MIN_AUDIBLE_MS = 400;
/** Silence kept after the last audible frame (a recording that ended on the idle timeout). */
const TAIL_MS = 300;
const FRAME = 160;

export async function personalOptions(s: Session, limits: RecordingLimits): Promise<void> {
  for (;;) {
    const k = await s.menu(['sa-personal-menu'], '123*');
    if (k === '*') return;
    if (k === '1') await recordAndReview(s, 'greeting', limits.maxGreetingMs, limits.idleMs);
    else if (k === '2') await recordAndReview(s, 'name', limits.maxNameMs, limits.idleMs);
    else await changePin(s, false);
  }
}

async function recordAndReview(s: Session, what: 'greeting' | 'name', maxMs: number, idleMs: number): Promise<void> {
  for (;;) {
    const samples = await record(s, what, maxMs, idleMs);
    if (!samples) return;
    for (let again = false; !again;) {
      const k = await s.menu(['sa-review-recording'], '123*');
      if (k === '1') {
        await s.play(samples);
      } else if (k === '2') {
        if (what === 'greeting') await s.ports.greetings.saveGreeting(s.subscriber, samples);
        else await s.ports.greetings.saveName(s.subscriber, samples);
        await s.say([what === 'greeting' ? 'sa-greeting-saved' : 'sa-name-saved']);
        return;
      } else if (k === '3') {
        again = true;
      } else {
        await s.say(['sa-recording-cancelled']);
        return;
      }
    }
  }
}

/** The recording, or undefined when the caller went back with `*`. */
async function record(s: Session, what: 'greeting' | 'name', maxMs: number, idleMs: number): Promise<Int16Array | undefined> {
  for (;;) {
    const skipped = await s.say([what === 'greeting' ? 'sa-record-greeting' : 'sa-record-name']);
    s.call.flushDigits();
    if (skipped === '*') return undefined;
    await s.say(['tone'], false);
    const sink = new MemorySink();
    const r = await s.call.record(sink, { maxMs, idleMs, stopDigits: '#*' });
    if (r.end === 'hangup') throw new CallOver('hangup');
    s.call.flushDigits();
    if (r.end === 'dtmf' && r.digit === '*') {
      await s.say(['sa-recording-cancelled']);
      return undefined;
    }
    if (r.end !== 'failed' && sink.audibleMs >= MIN_AUDIBLE_MS) {
      s.succeeded();
      return sink.samples();
    }
    await s.failed(['sa-nothing-recorded']);
  }
}

/**
 * Keeps a recording in memory until it is accepted (bounded by the recording's maximum length),
 * counting its audible 20 ms frames; the silence after the last of them is mostly dropped.
 */
class MemorySink implements AudioSink {
  readonly #chunks: Int16Array[] = [];
  #length = 0;
  #audibleFrames = 0;
  /** Samples up to the end of the last audible frame. */
  #audibleEnd = 0;

  write(samples: Int16Array): void {
    const copy = Int16Array.from(samples);
    for (let i = 0; i < copy.length; i += FRAME) {
      if (!isSilent(copy.subarray(i, i + FRAME))) {
        this.#audibleFrames++;
        this.#audibleEnd = this.#length + Math.min(copy.length, i + FRAME);
      }
    }
    this.#chunks.push(copy);
    this.#length += copy.length;
  }

  get audibleMs(): number {
    return this.#audibleFrames * 20;
  }

  samples(): Int16Array {
    const all = new Int16Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all.slice(0, Math.min(this.#length, this.#audibleEnd + TAIL_MS * 8));
  }
}
