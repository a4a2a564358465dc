// Turns an uploaded greeting into what the worker plays: 8 kHz mono 16-bit PCM WAV with the
// canonical 44-byte header. Any PCM (or IEEE float) WAV is accepted, at any rate, channel count
// and bit depth: channels are averaged, the rate converted with wavefile's low-pass filtered
// resampler, samples rounded and clipped to 16 bits. At most 5 minutes (MAX_GREETING_MS).
import wavefile from 'wavefile';
import { OpenUmError } from '../../errors.js';
import { wavHeader } from '../../media/audio/wav-header.js';
import { MAX_GREETING_MS, type Greeting } from '../../org/user-greetings.js';

export const GREETING_RATE = 8000;

interface Fmt { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number }

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export function toGreetingWav(input: Buffer): Greeting {
  const bad = (why: string) => new OpenUmError('BAD_AUDIO',
    `${why}; give a PCM WAV file (convert one with: sox input.mp3 -r 8000 -c 1 -b 16 greeting.wav)`);
  if (input.length < 12 || input.toString('ascii', 0, 4) !== 'RIFF' || input.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('the greeting is not a WAV file');
  }
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(input);
  } catch (e) {
    throw bad(`the greeting WAV cannot be read (${(e as Error).message})`);
  }
  // A copy: wavefile replaces (and clears) its fmt object when it converts.
  const fmt: Fmt = { ...(wav.fmt as Fmt) };
  if (![PCM, IEEE_FLOAT, EXTENSIBLE].includes(fmt.audioFormat)) {
    throw bad(`the greeting is encoded with WAV format ${fmt.audioFormat}, not PCM`);
  }
  if (!(fmt.numChannels >= 1 && fmt.sampleRate >= 1000 && fmt.sampleRate <= 384_000)) {
    throw bad(`the greeting has ${fmt.numChannels} channels at ${fmt.sampleRate} Hz`);
  }
  const dataBytes = (wav.data as { samples: Uint8Array }).samples.length;
  const frames = Math.floor(dataBytes / (fmt.numChannels * Math.max(1, fmt.bitsPerSample / 8)));
  const durationMs = (frames / fmt.sampleRate) * 1000;
  if (frames === 0) throw bad('the greeting WAV holds no audio');
  // Checked before converting, so a long file costs no work.
  if (durationMs > MAX_GREETING_MS) {
    throw new OpenUmError('BAD_AUDIO',
      `the greeting lasts ${(durationMs / 1000).toFixed(1)} s; a greeting may last at most ${MAX_GREETING_MS / 60_000} minutes: record or trim a shorter one`);
  }
  let mono: Float64Array;
  try {
    if (wav.bitDepth !== '32f') wav.toBitDepth('32f');
    const raw = wav.getSamples(false) as unknown as Float64Array | Float64Array[];
    mono = mixDown(Array.isArray(raw) ? raw : [raw]);
  } catch (e) {
    throw bad(`the greeting's ${fmt.bitsPerSample}-bit samples cannot be converted (${(e as Error).message})`);
  }
  let samples = mono;
  if (fmt.sampleRate !== GREETING_RATE) {
    const r = new wavefile.WaveFile();
    r.fromScratch(1, fmt.sampleRate, '32f', mono);
    r.toSampleRate(GREETING_RATE, { method: 'sinc', LPF: true });
    samples = r.getSamples(false) as unknown as Float64Array;
  }
  const pcm = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round((samples[i] ?? 0) * 32767);
    pcm.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i * 2);
  }
  return {
    wav: Buffer.concat([wavHeader({ sampleRate: GREETING_RATE, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]),
    durationMs: Math.round((samples.length / GREETING_RATE) * 1000),
  };
}

function mixDown(channels: Float64Array[]): Float64Array {
  const first = channels[0] ?? new Float64Array(0);
  if (channels.length === 1) return Float64Array.from(first);
  const out = new Float64Array(first.length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (ch[i] ?? 0) / channels.length;
  return out;
}
