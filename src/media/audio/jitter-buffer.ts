// Jitter buffer for recording: RTP audio packets go in in arrival order (reordered, duplicated,
// lost), 20 ms frames come out in order, one per pop() on the caller's 20 ms clock, once the
// buffer holds the target delay (60 ms by default). The recording keeps its real-time length:
// a missing frame is concealed (the last frame repeated, halved each time, then silence), a
// silent gap in the timestamps (DTX or a new talk spurt after a pause, RFC 3551 §4.1: the
// timestamp advances, the sequence number does not) is filled with silence, late packets and
// duplicates are dropped and counted.
//
// Placement: each packet's frame index ("slot") comes from its timestamp relative to the newest
// packet (the anchor), as long as timestamp and sequence number agree (the timestamp advances
// at least as far as the sequence number, by at most maxGapMs more). When they disagree, the
// timestamp jumped (sender restart, mixer switch): the sequence number places the packet. When
// both jump, it is a new stream: it goes right after the newest frame. Sequence numbers and
// timestamps are compared with serial arithmetic, so 65535 → 0 and 2^32 → 0 wrap.
// Memory: at most maxFrames frames are held; a packet further ahead makes the oldest ones go.
// They are held in a ring of maxFrames frames allocated once (at the first packet), indexed by
// slot modulo maxFrames, so a packet costs a copy into the ring and no allocation: a media thread
// with 500 recording calls pushes and pops 25,000 frames a second, and frames that live 60 ms
// were what its young-generation collections kept copying and promoting. pop() hands out reused
// arrays and objects: valid until the next push() or pop(); copy what you keep.
// drain() returns copies.
import { AudioError } from './audio-error.js';

export interface AudioPacket {
  seq: number;
  timestamp: number;
  samples: Int16Array;
  marker?: boolean;
}

export type FrameKind = 'audio' | 'concealed' | 'silence';

export interface JitterFrame {
  samples: Int16Array;
  kind: FrameKind;
}

export interface JitterBufferOptions {
  frameSamples?: number;
  sampleRate?: number;
  targetDelayMs?: number;
  maxFrames?: number;
  maxGapMs?: number;
  /** How many frames repeat the last one (attenuated) before concealment turns to silence. */
  repeatFrames?: number;
}

export interface JitterStats {
  received: number;
  played: number;
  late: number;
  duplicates: number;
  concealed: number;
  overflow: number;
  timestampJumps: number;
  resyncs: number;
}

interface Anchor {
  seq: number;
  ts: number;
  slot: number;
  frames: number;
}

/** No slot (slot numbers go below 0 too). */
const NONE = Number.MIN_SAFE_INTEGER;
const seqDiff = (a: number, b: number): number => ((((a - b) & 0xffff) << 16) >> 16);
const tsDiff = (a: number, b: number): number => ((a - b) | 0);

export class JitterBuffer {
  readonly frameSamples: number;
  readonly frameMs: number;
  readonly #targetFrames: number;
  readonly #maxFrames: number;
  readonly #maxGapFrames: number;
  readonly #repeatFrames: number;
  // The ring (see the top of the file): frame slot s is at index s % maxFrames; #held[i] is the
  // slot held there (NONE: none; slots can be negative) and #playedAt[i] the last slot played from real audio there.
  #ring: Int16Array | undefined;
  #held: Float64Array | undefined;
  #playedAt: Float64Array | undefined;
  #count = 0; // frames held
  readonly #anchor: Anchor = { seq: 0, ts: 0, slot: 0, frames: 0 };
  #anchored = false;
  #next = 0;
  #highest = -1;
  #started = false;
  readonly #last: Int16Array; // the last frame played from real audio (concealment repeats it)
  #hasLast = false;
  readonly #concealed: Int16Array;
  readonly #played: Int16Array; // the frame pop() hands out from real audio
  readonly #silence: Int16Array;
  readonly #out: JitterFrame = { samples: new Int16Array(0), kind: 'audio' };
  #concealRun = 0;
  readonly #stats: JitterStats = { received: 0, played: 0, late: 0, duplicates: 0, concealed: 0, overflow: 0, timestampJumps: 0, resyncs: 0 };

  constructor(options: JitterBufferOptions = {}) {
    this.frameSamples = options.frameSamples ?? 160;
    const rate = options.sampleRate ?? 8000;
    this.frameMs = (this.frameSamples * 1000) / rate;
    this.#targetFrames = Math.max(1, Math.round((options.targetDelayMs ?? 60) / this.frameMs));
    this.#maxFrames = options.maxFrames ?? 150;
    this.#maxGapFrames = Math.round((options.maxGapMs ?? 5000) / this.frameMs);
    this.#repeatFrames = options.repeatFrames ?? 2;
    if (!(this.frameSamples > 0 && rate > 0 && this.#maxFrames > this.#targetFrames)) {
      throw new AudioError('BAD_ARGUMENT', 'jitter buffer needs frameSamples, sampleRate > 0 and maxFrames above the target delay');
    }
    this.#last = new Int16Array(this.frameSamples);
    this.#concealed = new Int16Array(this.frameSamples);
    this.#played = new Int16Array(this.frameSamples);
    this.#silence = new Int16Array(this.frameSamples);
  }

  get stats(): Readonly<JitterStats> {
    return { ...this.#stats };
  }

  /** Frames held, from the next to play to the newest (gaps included), in ms. */
  get bufferedMs(): number {
    return Math.max(0, this.#highest - this.#next + 1) * this.frameMs;
  }

  push(packet: AudioPacket): void {
    this.pushSamples(packet.seq, packet.timestamp, packet.samples);
  }

  /** push() without the packet object (the per-packet path of the media thread). */
  pushSamples(seq: number, timestamp: number, samples: Int16Array): void {
    this.#stats.received++;
    const frames = Math.max(1, Math.ceil(samples.length / this.frameSamples));
    const slot = this.#place(seq, timestamp, frames);
    if (slot === null) return;
    for (let i = 0; i < frames; i++) {
      const from = i * this.frameSamples;
      this.#store(slot + i, frames === 1 && samples.length === this.frameSamples ? samples : samples.subarray(from, from + this.frameSamples));
    }
  }

  /**
   * The next frame on the 20 ms clock, or null while the buffer fills to the target delay. The
   * frame and its samples are reused: valid until the next push() or pop().
   */
  pop(): JitterFrame | null {
    if (!this.#started) {
      if (this.#highest - this.#next + 1 < this.#targetFrames) return null;
      this.#started = true;
    }
    return this.#take();
  }

  /** Every frame still held (gaps concealed), e.g. when the call ends; copies, the caller's to keep. */
  drain(): JitterFrame[] {
    const out: JitterFrame[] = [];
    while (this.#next <= this.#highest) {
      const f = this.#take();
      out.push({ samples: f.samples.slice(), kind: f.kind });
    }
    this.#started = false;
    return out;
  }

  #place(seq: number, timestamp: number, frames: number): number | null {
    const a = this.#anchor;
    const ts = timestamp >>> 0;
    if (!this.#anchored) {
      this.#anchored = true;
      this.#anchorAt(seq, ts, 0, frames);
      this.#next = 0;
      return 0;
    }
    const dSeq = seqDiff(seq, a.seq);
    if (dSeq === 0) {
      this.#stats.duplicates++;
      return null;
    }
    const dFrames = Math.round(tsDiff(ts, a.ts) / this.frameSamples);
    const bySeq = dSeq * a.frames;
    const consistent = dSeq > 0
      ? dFrames >= bySeq && dFrames - bySeq <= this.#maxGapFrames
      : dFrames <= bySeq && bySeq - dFrames <= this.#maxGapFrames;
    let slot: number;
    if (consistent) {
      slot = a.slot + dFrames;
    } else if (Math.abs(dSeq) <= this.#maxFrames) {
      this.#stats.timestampJumps++;
      slot = a.slot + bySeq;
    } else {
      this.#stats.resyncs++;
      slot = Math.max(this.#highest + 1, this.#next);
      this.#anchorAt(seq, ts, slot, frames);
      return slot;
    }
    if (dSeq > 0) this.#anchorAt(seq, ts, slot, frames);
    return slot;
  }

  #anchorAt(seq: number, ts: number, slot: number, frames: number): void {
    const a = this.#anchor;
    a.seq = seq & 0xffff;
    a.ts = ts;
    a.slot = slot;
    a.frames = frames;
  }

  /** The ring index of a slot (slots go below 0 when a packet older than the first comes in time). */
  #index(slot: number): number {
    const i = slot % this.#maxFrames;
    return i < 0 ? i + this.#maxFrames : i;
  }

  #store(slot: number, samples: Int16Array): void {
    if (!this.#ring) {
      this.#ring = new Int16Array(this.#maxFrames * this.frameSamples);
      this.#held = new Float64Array(this.#maxFrames).fill(NONE);
      this.#playedAt = new Float64Array(this.#maxFrames).fill(NONE);
    }
    const held = this.#held!;
    if (slot < this.#next) {
      if (!this.#started && this.#highest - slot < this.#maxFrames) {
        this.#next = slot; // an earlier packet overtaken before playout began
      } else {
        if (this.#playedAt![this.#index(slot)] === slot) this.#stats.duplicates++;
        else this.#stats.late++;
        return;
      }
    }
    if (held[this.#index(slot)] === slot) {
      this.#stats.duplicates++;
      return;
    }
    if (slot - this.#next >= this.#maxFrames) {
      // Too far ahead to hold: let the oldest frames go so memory stays bounded.
      const newNext = slot - this.#maxFrames + 1;
      for (let s = this.#next; s < newNext && this.#count > 0; s++) {
        const i = this.#index(s);
        if (held[i] === s) {
          held[i] = NONE;
          this.#count--;
          this.#stats.overflow++;
        }
      }
      this.#next = newNext;
    }
    const i = this.#index(slot);
    if (held[i] !== NONE) this.#count--; // a slot below #next left behind (cannot be played any more)
    held[i] = slot;
    this.#count++;
    this.#ring.set(samples.length === this.frameSamples ? samples : padded(samples, this.frameSamples), i * this.frameSamples);
    if (slot > this.#highest) this.#highest = slot;
  }

  #take(): JitterFrame {
    const slot = this.#next++;
    const out = this.#out;
    const i = this.#index(slot);
    if (this.#held && this.#held[i] === slot) {
      this.#held[i] = NONE;
      this.#count--;
      this.#playedAt![i] = slot;
      // Copied out of the ring (no view per slot: 150 of them per call outlived every collection).
      const samples = this.#played;
      const ring = this.#ring!;
      const base = i * this.frameSamples;
      for (let k = 0; k < samples.length; k++) samples[k] = ring[base + k]!;
      this.#last.set(samples);
      this.#hasLast = true;
      this.#concealRun = 0;
      this.#stats.played++;
      out.samples = samples;
      out.kind = 'audio';
      return out;
    }
    this.#stats.concealed++;
    this.#concealRun++;
    if (this.#hasLast && this.#concealRun <= this.#repeatFrames) {
      const gain = 0.5 ** this.#concealRun;
      const last = this.#last;
      const c = this.#concealed;
      for (let k = 0; k < c.length; k++) c[k] = Math.round(last[k]! * gain);
      out.samples = c;
      out.kind = 'concealed';
      return out;
    }
    this.#silence.fill(0); // a caller may have written into the last one
    out.samples = this.#silence;
    out.kind = 'silence';
    return out;
  }
}

function padded(samples: Int16Array, length: number): Int16Array {
  const out = new Int16Array(length);
  out.set(samples);
  return out;
}
