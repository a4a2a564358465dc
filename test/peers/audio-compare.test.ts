// The audio comparison the voice-mail real-peer tests rely on (test/support/audio-compare.ts),
// checked on files: the generated message's shape, and the figures that set its thresholds — the
// same speech after a G.711 round trip (and with lost packets) must pass, another utterance must not.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compareSpeech, describeComparison, MIN_CORRELATION, readWav } from '../support/audio-compare.js';
import { run, tempDir } from '../support/run.js';
import { audioToolsMissing, g711RoundTrip, makeMessageAudio, OTHER_TEXT, speech } from '../support/test-audio.js';

const missing = audioToolsMissing();
const skip = missing ? `not installed: ${missing} (apt-get install espeak-ng sox)` : false;

/** A PCM16 copy of `input` with `lossPct` % of its 20 ms frames zeroed (seeded: the same frames each run). */
function withLostFrames(input: string, out: string, lossPct: number): string {
  const w = readWav(input);
  const pcm = Buffer.alloc(w.samples.length * 2);
  let seed = 7;
  for (let f = 0; f * 160 < w.samples.length; f++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const lost = seed % 1000 < lossPct * 10;
    for (let i = f * 160; i < Math.min(w.samples.length, (f + 1) * 160); i++) pcm.writeInt16LE(lost ? 0 : Math.round((w.samples[i] ?? 0) * 32767), i * 2);
  }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1'); h.writeUInt32LE(36 + pcm.length, 4); h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36, 'latin1'); h.writeUInt32LE(pcm.length, 40);
  writeFileSync(out, Buffer.concat([h, pcm]));
  return out;
}

describe('audio comparison (test support)', { skip, timeout: 60_000 }, () => {
  const tmp = tempDir('openum-audiocmp-');
  after(() => tmp.cleanup());

  it('makes a message: 8 s of silence, then ~4.5 s of speech, 8 kHz mono 16-bit', async () => {
    const m = await makeMessageAudio(tmp.path);
    const w = readWav(m.message);
    assert.equal(w.sampleRate, 8000);
    assert.equal(w.channels, 1);
    const s = readWav(m.speech);
    assert.ok(s.durationSec > 3.5 && s.durationSec < 6, `speech ${s.durationSec} s`);
    assert.ok(Math.abs(w.durationSec - (8 + s.durationSec + 0.5)) < 0.01, `message ${w.durationSec} s`);
    // the first 8 s are digital silence
    assert.ok(w.samples.subarray(0, 8 * 8000).every((x) => x === 0));
  });

  it('passes the same speech after G.711 round trips and 3% lost frames, fails another utterance', async () => {
    const m = await makeMessageAudio(join(tmp.path));
    const u = await g711RoundTrip(m.message, join(tmp.path, 'ulaw.wav'), 'u-law');
    const a = await g711RoundTrip(m.message, join(tmp.path, 'alaw.wav'), 'a-law');
    const lossy = withLostFrames(a, join(tmp.path, 'lossy.wav'), 3);
    const other = await speech(OTHER_TEXT, join(tmp.path, 'other.wav'));
    const figures: string[] = [];
    for (const [name, file, pass] of [['u-law round trip', u, true], ['A-law round trip', a, true], ['A-law + 3% lost frames', lossy, true], ['other utterance', other, false]] as const) {
      const c = await compareSpeech(m.speech, file);
      figures.push(`${name}: ${describeComparison(c)}`);
      assert.equal(c.ok, pass, `${name}: ${describeComparison(c)}`);
      if (pass) assert.ok(c.correlation > 0.95, `${name} correlates ${c.correlation}`);
      else assert.ok(c.correlation < MIN_CORRELATION - 0.1, `${name} correlates ${c.correlation}: too close to the threshold`);
    }
    console.log(figures.join('\n'));
  });

  it('reads G.711 WAV and an unfinished data chunk (size 0) to the end of the file', async () => {
    const m = await makeMessageAudio(tmp.path);
    const ulaw = join(tmp.path, 'raw-ulaw.wav');
    const r = await run('sox', [m.speech, '-e', 'u-law', '-b', '8', ulaw]);
    assert.equal(r.code, 0, r.stderr);
    const pcm = readWav(m.speech);
    const mu = readWav(ulaw);
    assert.equal(mu.samples.length, pcm.samples.length);
    const raw = readFileSync(m.speech);
    raw.writeUInt32LE(0, raw.indexOf('data', 12, 'latin1') + 4);
    const open = join(tmp.path, 'open.wav');
    writeFileSync(open, raw);
    assert.equal(readWav(open).samples.length, pcm.samples.length);
  });
});
