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

const seqDiff = (a: number, b: number): number => ((((a - b) & 0xffff) << 16) >> 16);
const tsDiff = (a: number, b: number): number => ((a - b) | 0);

export class JitterBuffer {
  readonly frameSamples: number;
  readonly frameMs: number;
  readonly #targetFrames: number;
  readonly #maxFrames: number;
  readonly #maxGapFrames: number;
  readonly #repeatFrames: number;
  readonly #frames = new Map<number, Int16Array>();
  readonly #played = new Set<number>(); // recent slots played from real audio
  #anchor: Anchor | null = null;
  #next = 0;
  #highest = -1;
  #started = false;
  #last: Int16Array | null = null;
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
  }

  get stats(): Readonly<JitterStats> {
    return { ...this.#stats };
  }

  /** Frames held, from the next to play to the newest (gaps included), in ms. */
  get bufferedMs(): number {
    return Math.max(0, this.#highest - this.#next + 1) * this.frameMs;
  }

  push(packet: AudioPacket): void {
    this.#stats.received++;
    const frames = Math.max(1, Math.ceil(packet.samples.length / this.frameSamples));
    const slot = this.#place(packet, frames);
    if (slot === null) return;
    for (let i = 0; i < frames; i++) {
      const s = slot + i;
      const samples = packet.samples.subarray(i * this.frameSamples, (i + 1) * this.frameSamples);
      this.#store(s, samples.length === this.frameSamples ? samples : padded(samples, this.frameSamples));
    }
  }

  /** The next frame on the 20 ms clock, or null while the buffer fills to the target delay. */
  pop(): JitterFrame | null {
    if (!this.#started) {
      if (this.#highest - this.#next + 1 < this.#targetFrames) return null;
      this.#started = true;
    }
    return this.#take();
  }

  /** Every frame still held (gaps concealed), e.g. when the call ends. */
  drain(): JitterFrame[] {
    const out: JitterFrame[] = [];
    while (this.#next <= this.#highest) out.push(this.#take());
    this.#started = false;
    return out;
  }

  #place(p: AudioPacket, frames: number): number | null {
    const a = this.#anchor;
    const ts = p.timestamp >>> 0;
    if (!a) {
      this.#anchor = { seq: p.seq & 0xffff, ts, slot: 0, frames };
      this.#next = 0;
      return 0;
    }
    const dSeq = seqDiff(p.seq, a.seq);
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
      this.#anchor = { seq: p.seq & 0xffff, ts, slot, frames };
      return slot;
    }
    if (dSeq > 0) this.#anchor = { seq: p.seq & 0xffff, ts, slot, frames };
    return slot;
  }

  #store(slot: number, samples: Int16Array): void {
    if (slot < this.#next) {
      if (!this.#started && this.#highest - slot < this.#maxFrames) {
        this.#next = slot; // an earlier packet overtaken before playout began
      } else {
        if (this.#played.has(slot)) this.#stats.duplicates++;
        else this.#stats.late++;
        return;
      }
    }
    if (this.#frames.has(slot)) {
      this.#stats.duplicates++;
      return;
    }
    if (slot - this.#next >= this.#maxFrames) {
      // Too far ahead to hold: let the oldest frames go so memory stays bounded.
      const newNext = slot - this.#maxFrames + 1;
      for (const s of this.#frames.keys()) {
        if (s < newNext) {
          this.#frames.delete(s);
          this.#stats.overflow++;
        }
      }
      this.#next = newNext;
    }
    this.#frames.set(slot, copyFrame(samples)); // a copy: the caller may reuse its buffer
    if (slot > this.#highest) this.#highest = slot;
  }

  #take(): JitterFrame {
    const slot = this.#next++;
    const samples = this.#frames.get(slot);
    if (samples) {
      this.#frames.delete(slot);
      this.#remember(slot);
      this.#last = samples;
      this.#concealRun = 0;
      this.#stats.played++;
      return { samples, kind: 'audio' };
    }
    this.#stats.concealed++;
    this.#concealRun++;
    if (this.#last && this.#concealRun <= this.#repeatFrames) {
      const gain = 0.5 ** this.#concealRun;
      return { samples: this.#last.map((s) => Math.round(s * gain)), kind: 'concealed' };
    }
    return { samples: new Int16Array(this.frameSamples), kind: 'silence' };
  }

  #remember(slot: number): void {
    this.#played.add(slot);
    if (this.#played.size > this.#maxFrames) {
      const oldest = this.#played.values().next().value as number;
      this.#played.delete(oldest);
    }
  }
}

function padded(samples: Int16Array, length: number): Int16Array {
  const out = new Int16Array(length);
  out.set(samples);
  return out;
}

// Frames are copied into slices of a shared slab rather than each into its own ArrayBuffer: a
// typed array of a few hundred bytes gets a backing store of its own, which costs more to make
// and to collect than the copy. A slice is handed out once and never reused; a slab is freed when
// no frame cut from it is referenced any more (at most SLAB_SAMPLES * 2 bytes held per slab).
const SLAB_SAMPLES = 8192;
let slab = new Int16Array(SLAB_SAMPLES);
let slabUsed = 0;

function copyFrame(samples: Int16Array): Int16Array {
  const n = samples.length;
  if (n > SLAB_SAMPLES / 4) return Int16Array.from(samples);
  if (slabUsed + n > SLAB_SAMPLES) {
    slab = new Int16Array(SLAB_SAMPLES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + n);
  slabUsed += n;
  out.set(samples);
  return out;
}
