// Greeting conversion: any PCM or float WAV becomes 8 kHz mono 16-bit with the right duration,
// the pass band kept (440 Hz at the same level) and what is above 4 kHz filtered out rather than
// folded back; other encodings and greetings over 5 minutes are refused with BAD_AUDIO.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import wavefile from 'wavefile';
import { toGreetingWav } from '../../src/services/voicemail/greeting-audio.js';

/** A tone as a WAV made by wavefile (an independent writer) in the given format. */
function tone(rate: number, channels: number, depth: string, hz: number, seconds: number, amplitude = 0.5): Buffer {
  const n = Math.round(rate * seconds);
  const scale = depth === '32f' || depth === '64' ? 1 : depth === '8' ? 127 : 2 ** (Number(depth) - 1) - 1;
  const ch = Array.from({ length: channels }, () => {
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = Math.round(amplitude * scale * Math.sin((2 * Math.PI * hz * i) / rate) * 1e6) / 1e6 + (depth === '8' ? 128 : 0);
    return depth === '32f' || depth === '64' ? s : s.map(Math.round);
  });
  const w = new wavefile.WaveFile();
  w.fromScratch(channels, rate, depth, channels === 1 ? ch[0] as Float64Array : ch);
  return Buffer.from(w.toBuffer());
}

function rms(wav: Buffer, skip = 400): number {
  let sum = 0;
  const n = (wav.length - 44) / 2;
  for (let i = skip; i < n - skip; i++) sum += (wav.readInt16LE(44 + i * 2) / 32768) ** 2;
  return Math.sqrt(sum / (n - 2 * skip));
}

describe('greeting conversion to 8 kHz mono 16-bit', () => {
  for (const [rate, channels, depth] of [[8000, 1, '16'], [11025, 2, '8'], [44100, 2, '24'], [48000, 1, '32f'], [22050, 6, '32'], [16000, 1, '64']] as const) {
    it(`${rate} Hz, ${channels} channel(s), ${depth}-bit: 440 Hz kept at its level, duration exact`, () => {
      const g = toGreetingWav(tone(rate, channels, depth, 440, 1.5));
      assert.equal(g.durationMs, 1500);
      assert.equal(g.wav.length, 44 + 1.5 * 8000 * 2);
      const fmt = new wavefile.WaveFile(g.wav).fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
      assert.deepEqual([fmt.audioFormat, fmt.numChannels, fmt.sampleRate, fmt.bitsPerSample], [1, 1, 8000, 16]);
      const level = rms(g.wav);
      assert.ok(Math.abs(level - 0.5 / Math.SQRT2) < 0.01, `RMS ${level} ≈ ${0.5 / Math.SQRT2}`);
    });
  }

  it('a 6 kHz tone at 48 kHz is filtered out (at least 40 dB down), not aliased to 2 kHz', () => {
    const level = rms(toGreetingWav(tone(48000, 1, '16', 6000, 1)).wav);
    assert.ok(20 * Math.log10(level / (0.5 / Math.SQRT2)) < -40, `RMS ${level}`);
  });

  it('refuses A-law, text, and more than 5 minutes, before converting anything', () => {
    const alaw = new wavefile.WaveFile();
    alaw.fromScratch(1, 8000, '8a', new Uint8Array(800));
    assert.throws(() => toGreetingWav(Buffer.from(alaw.toBuffer())), { code: 'BAD_AUDIO', message: /WAV format 6, not PCM/ });
    assert.throws(() => toGreetingWav(Buffer.from('hello')), { code: 'BAD_AUDIO', message: /not a WAV file/ });
    const long = new wavefile.WaveFile();
    long.fromScratch(1, 8000, '8', new Uint8Array(8000 * 300 + 8).fill(128));
    const started = Date.now();
    assert.throws(() => toGreetingWav(Buffer.from(long.toBuffer())), { code: 'BAD_AUDIO', message: /300\.0 s; a greeting may last at most 5 minutes/ });
    assert.ok(Date.now() - started < 500);
  });
});
