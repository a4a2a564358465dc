import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from '../../../src/media/audio/g711.js';
import { AudioError } from '../../../src/media/audio/audio-error.js';
import { rng, sine } from './signals.js';

const snrDb = (a: Int16Array, b: Int16Array): number => {
  let sig = 0;
  let err = 0;
  a.forEach((s, i) => {
    sig += s * s;
    err += (s - (b[i] as number)) ** 2;
  });
  return 10 * Math.log10(sig / err);
};

describe('G.711', () => {
  for (const codec of ['PCMU', 'PCMA'] as const) {
    it(`${codec}: one byte per sample, quantisation error within the segment step`, () => {
      const r = rng(711);
      const samples = Int16Array.from({ length: 8000 }, () => Math.round((r() * 2 - 1) * 32767 * r()));
      const payload = encode(samples, codec);
      assert.ok(Buffer.isBuffer(payload));
      assert.equal(payload.length, samples.length);
      const back = decode(payload, codec);
      assert.equal(back.length, samples.length);
      samples.forEach((s, i) => {
        // Logarithmic companding: the step grows with the level, about 1/16 of it, at least 1 LSB of 13-14 bits.
        const bound = Math.abs(s) / 16 + 64;
        assert.ok(Math.abs(s - (back[i] as number)) <= bound, `${codec} sample ${s} → ${back[i]}`);
      });
    });

    it(`${codec}: a speech-level sine keeps more than 30 dB SNR, and decode∘encode is stable`, () => {
      const tone = sine(1000, 200, 0.3);
      const back = decode(encode(tone, codec), codec);
      assert.ok(snrDb(tone, back) > 30, `SNR ${snrDb(tone, back)}`);
      assert.deepEqual(decode(encode(back, codec), codec), back);
    });
  }

  it('rejects an unknown codec with a typed error', () => {
    assert.throws(() => encode(new Int16Array(4), 'G722' as 'PCMU'), (e: unknown) => e instanceof AudioError && e.code === 'BAD_ARGUMENT');
  });
});
