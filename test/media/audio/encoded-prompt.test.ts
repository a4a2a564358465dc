// Prompts encoded once (src/media/audio/encoded-prompt.ts): the frames a tick sends are the ones
// encoding each 20 ms frame on the tick would give, the last padded with silence, cached per codec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodedFrames } from '../../../src/media/audio/encoded-prompt.js';
import { encode } from '../../../src/media/audio/g711.js';
import { frames } from '../../../src/media/audio/prompt-library.js';

const samples = Int16Array.from({ length: 1000 }, (_, i) => Math.round(12000 * Math.sin(i / 7)) - (i % 97));

describe('encodedFrames', () => {
  for (const codec of ['PCMU', 'PCMA'] as const) {
    it(`gives what encoding each frame on its tick gives (${codec})`, () => {
      const got = encodedFrames(samples, codec);
      const want = frames(samples).map((f) => encode(f, codec));
      assert.equal(got.length, 7, '1,000 samples: six frames and a padded seventh');
      assert.deepEqual(got.map((b) => b.toString('hex')), want.map((b) => b.toString('hex')));
      assert.ok(got.every((b) => b.length === 160));
    });
  }

  it('encodes a prompt once per codec', () => {
    const prompt = samples.slice();
    assert.equal(encodedFrames(prompt, 'PCMA'), encodedFrames(prompt, 'PCMA'));
    assert.notEqual(encodedFrames(prompt, 'PCMU'), encodedFrames(prompt, 'PCMA'));
    assert.equal(encodedFrames(new Int16Array(0), 'PCMU').length, 0, 'an empty prompt has no frames');
  });
});
