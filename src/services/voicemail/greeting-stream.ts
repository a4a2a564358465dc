// Converts a greeting WAV as its bytes arrive (greeting-audio.ts has the rules): the RIFF chunks
// are walked as they come, the fmt chunk kept, others skipped unread, and the data chunk's frames
// averaged to mono and resampled piece by piece (StreamResampler). What is held is the 8 kHz
// output (at most 5 minutes: 4.8 MB) and a kernel's width of input, never the upload itself.
// The duration limit is checked when the data chunk starts if the total size is known (the
// request's Content-Length, a file's length), else as frames arrive; nothing after it is read.
import { OpenUmError } from '../../errors.js';
import { wavHeader } from '../../media/audio/wav-header.js';
import { MAX_GREETING_MS, type Greeting } from '../../org/user-greetings.js';
import { StreamResampler } from './resample.js';

export const GREETING_RATE = 8000;

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;
const MAX_CHUNKS = 256;
/** Enough of a fmt chunk for WAVE_FORMAT_EXTENSIBLE's SubFormat (offset 24, 2 bytes). */
const FMT_KEPT = 26;

interface Format { tag: number; channels: number; rate: number; bits: number }

const bad = (why: string) => new OpenUmError('BAD_AUDIO',
  `${why}; give a PCM WAV file (convert one with: sox input.mp3 -r 8000 -c 1 -b 16 greeting.wav)`);
const tooLong = (seconds: string) => new OpenUmError('BAD_AUDIO',
  `the greeting lasts ${seconds} s; a greeting may last at most ${MAX_GREETING_MS / 60_000} minutes: record or trim a shorter one`);

/** Sample reader for a format, returning -1..1; undefined when unsupported. */
function reader(tag: number, bits: number): ((b: Buffer, at: number) => number) | undefined {
  if (tag === PCM) {
    if (bits === 8) return (b, at) => ((b[at] ?? 128) - 128) / 128;
    if (bits === 16) return (b, at) => b.readInt16LE(at) / 32768;
    if (bits === 24) return (b, at) => b.readIntLE(at, 3) / 8388608;
    if (bits === 32) return (b, at) => b.readInt32LE(at) / 2147483648;
  }
  if (tag === IEEE_FLOAT) {
    if (bits === 32) return (b, at) => b.readFloatLE(at);
    if (bits === 64) return (b, at) => b.readDoubleLE(at);
  }
  return undefined;
}

type State = 'riff' | 'chunk' | 'fmt' | 'skip' | 'data' | 'done';

export class GreetingDecoder {
  readonly #total: number | undefined;
  #state: State = 'riff';
  /** Bytes of a header or fmt chunk being gathered (at most 26). */
  #pending = Buffer.alloc(0);
  #pos = 0;
  #chunks = 0;
  /** Bytes left of the current chunk (skip, fmt, data). */
  #left = 0;
  #fmtSize = 0;
  #fmt: Format | undefined;
  #read: ((b: Buffer, at: number) => number) | undefined;
  #frameBytes = 0;
  #frames = 0;
  #carry = Buffer.alloc(0);
  #resampler: StreamResampler | undefined;
  #out: Buffer[] = [];
  #outPart = Buffer.alloc(0);
  #outAt = 0;
  #outSamples = 0;

  /** `totalBytes`: the whole upload's size when known, for the duration check before any work. */
  constructor(totalBytes?: number) {
    this.#total = totalBytes;
  }

  push(chunk: Buffer): void {
    let b = chunk;
    while (b.length > 0 && this.#state !== 'done') {
      const used = this.#step(b);
      this.#pos += used;
      b = b.subarray(used);
    }
  }

  /** The converted greeting, once every byte has been pushed. */
  end(): Greeting {
    if (this.#state === 'riff') throw bad('the greeting is not a WAV file');
    if (this.#state === 'fmt') throw bad('the greeting WAV has a short fmt chunk');
    if (this.#state !== 'data' && this.#state !== 'done') throw bad('the greeting WAV has no data chunk');
    if (this.#frames === 0) throw bad('the greeting WAV holds no audio');
    this.#resampler?.end((v) => this.#emit(v));
    const pcm = Buffer.concat([...this.#out, this.#outPart.subarray(0, this.#outAt)]);
    return {
      wav: Buffer.concat([wavHeader({ sampleRate: GREETING_RATE, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]),
      durationMs: Math.round((this.#outSamples / GREETING_RATE) * 1000),
    };
  }

  /** Takes what the current state needs from `b`; returns how many bytes it used. */
  #step(b: Buffer): number {
    switch (this.#state) {
      case 'riff': {
        const used = this.#gather(b, 12);
        if (this.#pending.length === 12) {
          const h = this.#pending;
          if (h.toString('ascii', 0, 4) !== 'RIFF' || h.toString('ascii', 8, 12) !== 'WAVE') throw bad('the greeting is not a WAV file');
          this.#next('chunk');
        }
        return used;
      }
      case 'chunk': {
        const used = this.#gather(b, 8);
        // The chunk's content starts after the bytes used here (#pos counts them once this returns).
        if (this.#pending.length === 8) this.#chunk(this.#pending.toString('ascii', 0, 4), this.#pending.readUInt32LE(4), this.#pos + used);
        return used;
      }
      case 'fmt': {
        const want = Math.min(this.#fmtSize, FMT_KEPT);
        const used = this.#gather(b, want);
        if (this.#pending.length === want) this.#fmtRead(this.#pending);
        return used;
      }
      case 'skip': {
        const used = Math.min(this.#left, b.length);
        this.#left -= used;
        if (this.#left === 0) this.#afterChunk();
        return used;
      }
      case 'data': {
        const used = Math.min(this.#left, b.length);
        this.#decode(b.subarray(0, used));
        this.#left -= used;
        if (this.#left === 0) this.#state = 'done';
        return used;
      }
      default:
        return b.length;
    }
  }

  #gather(b: Buffer, want: number): number {
    const used = Math.min(want - this.#pending.length, b.length);
    this.#pending = Buffer.concat([this.#pending, b.subarray(0, used)]);
    return used;
  }

  #next(state: State): void {
    this.#state = state;
    this.#pending = Buffer.alloc(0);
  }

  #afterChunk(): void {
    this.#chunks++;
    if (this.#chunks >= MAX_CHUNKS) throw bad('the greeting WAV has no data chunk');
    this.#next('chunk');
  }

  #chunk(id: string, size: number, contentAt: number): void {
    if (id === 'fmt ') {
      if (size < 16) throw bad('the greeting WAV has a short fmt chunk');
      this.#fmtSize = size;
      this.#left = size + (size & 1);
      this.#next('fmt');
    } else if (id === 'data') {
      if (!this.#fmt) throw bad('the greeting WAV has its data before its fmt chunk');
      this.#startData(size, contentAt);
    } else {
      this.#left = size + (size & 1);
      this.#next('skip');
      if (this.#left === 0) this.#afterChunk();
    }
  }

  #fmtRead(f: Buffer): void {
    let tag = f.readUInt16LE(0);
    // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the SubFormat GUID.
    if (tag === EXTENSIBLE && this.#fmtSize >= 40 && f.length >= FMT_KEPT) tag = f.readUInt16LE(24);
    this.#fmt = { tag, channels: f.readUInt16LE(2), rate: f.readUInt32LE(4), bits: f.readUInt16LE(14) };
    this.#left -= f.length;
    this.#next('skip');
    if (this.#left === 0) this.#afterChunk();
  }

  #startData(size: number, dataOffset: number): void {
    const l = this.#fmt as Format;
    const read = reader(l.tag, l.bits);
    if (!read) throw bad(`the greeting is ${l.tag === PCM || l.tag === IEEE_FLOAT ? `${l.bits}-bit` : `encoded with WAV format ${l.tag}`}, not PCM of 8, 16, 24 or 32 bits or 32/64-bit float`);
    if (l.channels < 1 || l.rate < 1000 || l.rate > 384_000) throw bad(`the greeting has ${l.channels} channels at ${l.rate} Hz`);
    this.#read = read;
    this.#frameBytes = l.channels * (l.bits / 8);
    // A recording cut short says 0xFFFFFFFF or more than there is: take what there is.
    const dataBytes = this.#total === undefined ? size : Math.min(size, this.#total - dataOffset);
    if (this.#total !== undefined) {
      const durationMs = (Math.floor(dataBytes / this.#frameBytes) / l.rate) * 1000;
      if (durationMs > MAX_GREETING_MS) throw tooLong((durationMs / 1000).toFixed(1));
    }
    this.#left = dataBytes;
    this.#resampler = new StreamResampler(l.rate, GREETING_RATE);
    this.#next('data');
    if (this.#left === 0) this.#state = 'done';
  }

  #decode(piece: Buffer): void {
    const l = this.#fmt as Format;
    const b = this.#carry.length > 0 ? Buffer.concat([this.#carry, piece]) : piece;
    const frames = Math.floor(b.length / this.#frameBytes);
    if (((this.#frames + frames) / l.rate) * 1000 > MAX_GREETING_MS) throw tooLong(`more than ${(MAX_GREETING_MS / 1000).toFixed(1)}`);
    const mono = new Float32Array(frames);
    const step = l.bits / 8;
    const read = this.#read as (b: Buffer, at: number) => number;
    for (let f = 0, at = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < l.channels; c++, at += step) sum += read(b, at);
      mono[f] = sum / l.channels;
    }
    this.#frames += frames;
    this.#carry = Buffer.from(b.subarray(frames * this.#frameBytes));
    this.#resampler?.push(mono, (v) => this.#emit(v));
  }

  #emit(v: number): void {
    if (this.#outAt === this.#outPart.length) {
      if (this.#outPart.length > 0) this.#out.push(this.#outPart);
      this.#outPart = Buffer.alloc(64 * 1024);
      this.#outAt = 0;
    }
    this.#outPart.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), this.#outAt);
    this.#outAt += 2;
    this.#outSamples++;
  }
}
