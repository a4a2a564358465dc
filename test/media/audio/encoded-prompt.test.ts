// Prompts encoded once (src/media/audio/encoded-prompt.ts): the frames a tick sends are the ones
// encoding each 20 ms frame on the tick would give, the last padded with silence, cached per codec,
// in one buffer (shared memory when asked, for the media thread).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodedPrompt } from '../../../src/media/audio/encoded-prompt.js';
import { encode } from '../../../src/media/audio/g711.js';
import { frames } from '../../../src/media/audio/prompt-library.js';

const samples = Int16Array.from({ length: 1000 }, (_, i) => Math.round(12000 * Math.sin(i / 7)) - (i % 97));

describe('encodedPrompt', () => {
  for (const codec of ['PCMU', 'PCMA'] as const) {
    it(`gives what encoding each frame on its tick gives (${codec})`, () => {
      const got = encodedPrompt(samples, codec);
      const want = Buffer.concat(frames(samples).map((f) => encode(f, codec)));
      assert.equal(got.length, 7 * 160, '1,000 samples: six frames and a padded seventh');
      assert.equal(got.toString('hex'), want.toString('hex'));
    });
  }

  it('encodes a prompt once per codec, and once more in shared memory', () => {
    const prompt = samples.slice();
    assert.equal(encodedPrompt(prompt, 'PCMA'), encodedPrompt(prompt, 'PCMA'));
    assert.notEqual(encodedPrompt(prompt, 'PCMU'), encodedPrompt(prompt, 'PCMA'));
    const shared = encodedPrompt(prompt, 'PCMA', { shared: true });
    assert.ok(shared.buffer instanceof SharedArrayBuffer);
    assert.ok(!(encodedPrompt(prompt, 'PCMA').buffer instanceof SharedArrayBuffer));
    assert.equal(shared, encodedPrompt(prompt, 'PCMA', { shared: true }));
    assert.deepEqual(Buffer.from(shared), encodedPrompt(prompt, 'PCMA'));
    assert.equal(encodedPrompt(new Int16Array(0), 'PCMU').length, 0, 'an empty prompt has no frames');
  });

  it('pads with the codec\'s silence, at other frame sizes too (not cached)', () => {
    const got = encodedPrompt(new Int16Array([0, 0, 0]), 'PCMU', { frameSamples: 80 });
    assert.equal(got.length, 80);
    assert.ok(got.every((b) => b === encode(new Int16Array(1), 'PCMU')[0]));
  });
});
