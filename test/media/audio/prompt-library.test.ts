import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PromptLibrary, PROMPT_LANGUAGES, frames, defaultPromptRoot } from '../../../src/media/audio/prompt-library.js';
import { AudioError } from '../../../src/media/audio/audio-error.js';
import { wavHeader } from '../../../src/media/audio/wav-header.js';
import { soxi, soxSkip } from './signals.js';

const SPOKEN = ['greeting-prefix', 'greeting-suffix', 'goodbye', 'message-recorded', 'enter-pin', 'invalid', ...'0123456789'];
const isAudioError = (code: string) => (e: unknown) => e instanceof AudioError && e.code === code;

describe('PromptLibrary', () => {
  const lib = new PromptLibrary();

  it('loads every prompt in every language (and the tone): 8 kHz samples of a plausible length', async () => {
    for (const lang of PROMPT_LANGUAGES) {
      assert.equal(lib.resolve('goodbye', lang), join(lib.root, lang, 'goodbye.wav'));
      for (const name of SPOKEN) {
        const samples = await lib.load(name, lang);
        assert.ok(samples.length >= 1600 && samples.length <= 8 * 8000, `${lang}/${name}: ${samples.length} samples`);
      }
    }
    assert.equal((await lib.load('tone')).length, 2400);
  });

  it('soxi confirms every asset is 8000 Hz mono 16-bit', { skip: soxSkip }, async () => {
    const paths = [join(defaultPromptRoot(), 'tone.wav')];
    for (const lang of PROMPT_LANGUAGES) for (const name of SPOKEN) paths.push(join(defaultPromptRoot(), lang, `${name}.wav`));
    for (const path of paths) {
      const info = await soxi(path);
      assert.deepEqual([info.rate, info.channels, info.bits], [8000, 1, 16], path);
    }
  });

  it('falls back to en-US for an unknown language and for a prompt missing in a language', async () => {
    assert.equal(await lib.load('goodbye', 'de-DE'), await lib.load('goodbye', 'en-US'));
    const root = await mkdtemp(join(tmpdir(), 'openum-prompts-'));
    try {
      await mkdir(join(root, 'en-US'), { recursive: true });
      await mkdir(join(root, 'fr-FR'));
      await copyFile(lib.resolve('invalid', 'en-US') as string, join(root, 'en-US', 'invalid.wav'));
      const small = new PromptLibrary(root);
      assert.deepEqual(await small.load('invalid', 'fr-FR'), await lib.load('invalid', 'en-US'));
      await assert.rejects(small.load('goodbye', 'fr-FR'), isAudioError('PROMPT_NOT_FOUND'));
      // A 16 kHz asset is refused, not played at the wrong speed.
      await writeFile(join(root, 'fr-FR', 'goodbye.wav'), Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16 }, 320), Buffer.alloc(320)]));
      await assert.rejects(small.load('goodbye', 'fr-FR'), isAudioError('BAD_WAV'));
      await writeFile(join(root, 'fr-FR', 'junk.wav'), await readFile(new URL(import.meta.url)));
      await assert.rejects(small.load('junk', 'fr-FR'), isAudioError('BAD_WAV'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses prompt names that could leave the asset directory', async () => {
    for (const name of ['../etc/passwd', 'a/b', '', 'Goodbye', '.hidden']) {
      await assert.rejects(lib.load(name, 'en-US'), isAudioError('BAD_ARGUMENT'));
    }
  });

  it('builds the system greeting around the extension digits', async () => {
    const parts = await Promise.all(['greeting-prefix', '4', '0', '7', 'greeting-suffix'].map((n) => lib.load(n, 'it-IT')));
    const greeting = await lib.greeting('407', 'it-IT');
    assert.equal(greeting.length, parts.reduce((n, p) => n + p.length, 0));
    await assert.rejects(lib.greeting('40a7'), isAudioError('BAD_ARGUMENT'));
  });

  it('slices samples into 20 ms frames, padding the last with silence', () => {
    const samples = Int16Array.from({ length: 400 }, (_, i) => i + 1);
    const f = frames(samples);
    assert.deepEqual(f.map((x) => x.length), [160, 160, 160]);
    assert.equal(f[2]?.[79], 400);
    assert.equal(f[2]?.[80], 0);
    assert.deepEqual(frames(new Int16Array(0)), []);
  });
});
