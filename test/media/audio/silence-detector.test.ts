import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SilenceDetector, frameDbfs, isSilent } from '../../../src/media/audio/silence-detector.js';
import { frames } from '../../../src/media/audio/prompt-library.js';
import { rng, sine } from './signals.js';

const noise = (ms: number, amplitude: number, seed = 1): Int16Array => {
  const r = rng(seed);
  return Int16Array.from({ length: ms * 8 }, () => Math.round((r() * 2 - 1) * amplitude * 32767));
};

describe('silence detector', () => {
  it('measures frame levels in dBFS', () => {
    assert.ok(Math.abs(frameDbfs(sine(440, 20, 0.5)) - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.2);
    assert.equal(frameDbfs(new Int16Array(160)), -Infinity);
  });

  it('tells a tone from silence and from line noise', () => {
    assert.equal(isSilent(sine(440, 20, 0.1)), false); // -23 dBFS
    assert.equal(isSilent(new Int16Array(160)), true);
    assert.equal(isSilent(noise(20, 0.001)), true); // about -65 dBFS
    assert.equal(isSilent(sine(440, 20, 0.01), -50), false); // -43 dBFS against a -50 threshold
  });

  it('times out after 5 s of consecutive silence; sound resets the run', () => {
    const d = new SilenceDetector({ timeoutMs: 5000 });
    for (const f of frames(sine(440, 1000, 0.2))) assert.equal(d.push(f), false);
    const quiet = frames(noise(5000, 0.0005));
    quiet.slice(0, 249).forEach((f) => assert.equal(d.push(f), false));
    assert.equal(d.silentMs, 4980);
    d.push(sine(300, 20, 0.2));
    assert.equal(d.silentMs, 0);
    quiet.slice(0, 249).forEach((f) => assert.equal(d.push(f), false));
    assert.equal(d.push(quiet[249] as Int16Array), true);
    assert.equal(d.timedOut, true);
    d.reset();
    assert.equal(d.timedOut, false);
  });

  it('uses a configurable threshold', () => {
    const d = new SilenceDetector({ thresholdDbfs: -20, timeoutMs: 100 });
    for (let i = 0; i < 4; i++) assert.equal(d.push(sine(440, 20, 0.05)), false);
    assert.equal(d.push(sine(440, 20, 0.05)), true);
  });
});
