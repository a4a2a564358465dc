// Turns an uploaded greeting into what the worker plays: 8 kHz mono 16-bit PCM WAV with the
// canonical 44-byte header. Any PCM or IEEE-float WAV is accepted (WAVE_FORMAT_PCM, _IEEE_FLOAT,
// or _EXTENSIBLE with either subformat), at any rate, channel count and bit depth: channels are
// averaged, the rate converted by a windowed-sinc low-pass interpolator (resample.ts), samples
// rounded and clipped to 16 bits. At most 5 minutes (MAX_GREETING_MS), checked before any work.
import { OpenUmError } from '../../errors.js';
import { wavHeader } from '../../media/audio/wav-header.js';
import { MAX_GREETING_MS, type Greeting } from '../../org/user-greetings.js';
import { resample } from './resample.js';

export const GREETING_RATE = 8000;

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;
const MAX_CHUNKS = 256;

interface Layout { tag: number; channels: number; rate: number; bits: number; dataOffset: number; dataBytes: number }

const bad = (why: string) => new OpenUmError('BAD_AUDIO',
  `${why}; give a PCM WAV file (convert one with: sox input.mp3 -r 8000 -c 1 -b 16 greeting.wav)`);

/** Walks the RIFF chunks (Microsoft "Multimedia Programming Interface and Data Specifications 1.0"). */
function layout(b: Buffer): Layout {
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw bad('the greeting is not a WAV file');
  let fmt: Omit<Layout, 'dataOffset' | 'dataBytes'> | undefined;
  let pos = 12;
  for (let n = 0; n < MAX_CHUNKS && pos + 8 <= b.length; n++) {
    const id = b.toString('ascii', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      if (size < 16 || pos + 8 + 16 > b.length) throw bad('the greeting WAV has a short fmt chunk');
      let tag = b.readUInt16LE(pos + 8);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the SubFormat GUID.
      if (tag === EXTENSIBLE && size >= 40 && pos + 8 + 26 <= b.length) tag = b.readUInt16LE(pos + 8 + 24);
      fmt = { tag, channels: b.readUInt16LE(pos + 10), rate: b.readUInt32LE(pos + 12), bits: b.readUInt16LE(pos + 22) };
    } else if (id === 'data') {
      if (!fmt) throw bad('the greeting WAV has its data before its fmt chunk');
      // A recording cut short says 0xFFFFFFFF or more than there is: take what there is.
      return { ...fmt, dataOffset: pos + 8, dataBytes: Math.min(size, b.length - pos - 8) };
    }
    pos += 8 + size + (size & 1);
  }
  throw bad('the greeting WAV has no data chunk');
}

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

export function toGreetingWav(input: Buffer): Greeting {
  const l = layout(input);
  const read = reader(l.tag, l.bits);
  if (!read) throw bad(`the greeting is ${l.tag === PCM || l.tag === IEEE_FLOAT ? `${l.bits}-bit` : `encoded with WAV format ${l.tag}`}, not PCM of 8, 16, 24 or 32 bits or 32/64-bit float`);
  if (l.channels < 1 || l.rate < 1000 || l.rate > 384_000) throw bad(`the greeting has ${l.channels} channels at ${l.rate} Hz`);
  const frameBytes = l.channels * (l.bits / 8);
  const frames = Math.floor(l.dataBytes / frameBytes);
  if (frames === 0) throw bad('the greeting WAV holds no audio');
  const durationMs = (frames / l.rate) * 1000;
  if (durationMs > MAX_GREETING_MS) {
    throw new OpenUmError('BAD_AUDIO',
      `the greeting lasts ${(durationMs / 1000).toFixed(1)} s; a greeting may last at most ${MAX_GREETING_MS / 60_000} minutes: record or trim a shorter one`);
  }
  const mono = new Float32Array(frames);
  const step = l.bits / 8;
  for (let f = 0, at = l.dataOffset; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < l.channels; c++, at += step) sum += read(input, at);
    mono[f] = sum / l.channels;
  }
  const samples = resample(mono, l.rate, GREETING_RATE);
  const pcm = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round((samples[i] ?? 0) * 32767))), i * 2);
  }
  return {
    wav: Buffer.concat([wavHeader({ sampleRate: GREETING_RATE, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]),
    durationMs: Math.round((samples.length / GREETING_RATE) * 1000),
  };
}
