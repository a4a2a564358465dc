// The greeting conversion fed in pieces (as the admin API streams an upload) gives the same bytes
// as fed whole, whatever the piece sizes; the streaming resampler matches the batch one sample
// for sample; a WAV of unknown length over 5 minutes is refused while it streams.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import { GreetingDecoder } from '../../src/services/voicemail/greeting-stream.js';
import { resample, StreamResampler } from '../../src/services/voicemail/resample.js';

function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = (x / 2147483648) * 2 - 1;
  }
  return out;
}

function wav16(rate: number, channels: number, frames: number, extra?: Buffer): Buffer {
  const pcm = Buffer.alloc(frames * channels * 2);
  const s = noise(frames * channels, rate);
  for (let i = 0; i < s.length; i++) pcm.writeInt16LE(Math.round((s[i] ?? 0) * 20000), i * 2);
  const header = wavHeader({ sampleRate: rate, channels, bitsPerSample: 16 }, pcm.length);
  if (!extra) return Buffer.concat([header, pcm]);
  // A LIST chunk (padded to an even size) between fmt and data, to be skipped.
  const list = Buffer.concat([Buffer.from('LIST'), Buffer.alloc(4), extra, Buffer.alloc(extra.length & 1)]);
  list.writeUInt32LE(extra.length, 4);
  return Buffer.concat([header.subarray(0, 36), list, header.subarray(36), pcm]);
}

function inPieces(b: Buffer, sizes: number[], total?: number): Buffer {
  const d = new GreetingDecoder(total);
  for (let at = 0, i = 0; at < b.length; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    d.push(b.subarray(at, at + n));
    at += n;
  }
  return d.end().wav;
}

describe('streamed greeting conversion', () => {
  it('the streaming resampler gives the batch output sample for sample', () => {
    for (const [inRate, outRate] of [[48000, 8000], [44100, 8000], [11025, 8000], [6000, 8000]] as const) {
      const input = noise(inRate / 2 + 17, inRate);
      const batch = resample(input, inRate, outRate);
      const r = new StreamResampler(inRate, outRate);
      const out: number[] = [];
      for (let at = 0, step = 1; at < input.length; at += step, step = (step * 7) % 1999 + 1) r.push(input.subarray(at, at + step), (v) => out.push(v));
      r.end((v) => out.push(v));
      assert.equal(out.length, batch.length, `${inRate} → ${outRate}`);
      for (let i = 0; i < out.length; i++) if (out[i] !== batch[i]) assert.fail(`${inRate}: sample ${i} ${out[i]} != ${batch[i]}`);
    }
  });

  it('pieces of any size give the same greeting as the whole file, with or without its size known', () => {
    for (const file of [wav16(48000, 2, 30_000), wav16(8000, 1, 9_001, Buffer.from('INFOsome text')), wav16(22050, 1, 5_000)]) {
      const whole = inPieces(file, [file.length], file.length);
      for (const sizes of [[1], [7, 3, 1024], [65536]]) {
        assert.deepEqual(inPieces(file, sizes), whole, `pieces ${sizes.join(',')}`);
        assert.deepEqual(inPieces(file, sizes, file.length), whole);
      }
    }
  });

  it('refuses a WAV of unknown length once it passes 5 minutes', () => {
    const header = wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, 0xffffffff - 36);
    const d = new GreetingDecoder();
    d.push(header);
    const second = Buffer.alloc(16000);
    assert.throws(() => {
      for (let i = 0; i < 301; i++) d.push(second);
    }, { code: 'BAD_AUDIO', message: /more than 300\.0 s; a greeting may last at most 5 minutes/ });
  });
});
