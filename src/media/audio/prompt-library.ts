// Prompt assets: 8 kHz 16-bit mono WAV files under assets/prompts/<lang>/<name>.wav, generated
// by scripts/prompts/make-prompts.sh and committed, so no speech synthesiser runs on a server.
// A prompt missing in the caller's language (or a language we do not have) falls back to en-US;
// language-independent prompts (tone) sit in assets/prompts/ itself. Samples are cached.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wavefile from 'wavefile';
import { AudioError } from './audio-error.js';

export const PROMPT_LANGUAGES = ['en-US', 'it-IT', 'es-ES', 'fr-FR'] as const;
export type PromptLanguage = (typeof PROMPT_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: PromptLanguage = 'en-US';
export const PROMPT_SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160; // 20 ms at 8 kHz
const MAX_PROMPT_BYTES = 4 * 1024 * 1024;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** assets/prompts of this checkout, found from this module's place in src/ or dist/src/. */
export function defaultPromptRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'assets', 'prompts');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new AudioError('PROMPT_NOT_FOUND', 'no assets/prompts directory above the prompt library');
}

export function isPromptLanguage(lang: string): lang is PromptLanguage {
  return (PROMPT_LANGUAGES as readonly string[]).includes(lang);
}

/** Reads a WAV file that must be 16-bit PCM mono at `sampleRate`; throws AudioError BAD_WAV. */
export async function readPcmWav(path: string, sampleRate = PROMPT_SAMPLE_RATE): Promise<Int16Array> {
  const size = (await stat(path)).size;
  if (size > MAX_PROMPT_BYTES) throw new AudioError('BAD_WAV', `${path} is larger than ${MAX_PROMPT_BYTES} bytes`);
  return decodePcmWav(await readFile(path), sampleRate, path);
}

/** The samples of WAV bytes that must be 16-bit PCM mono at `sampleRate` (a stored greeting, a prompt). */
export function decodePcmWav(bytes: Buffer, sampleRate = PROMPT_SAMPLE_RATE, name = 'the audio'): Int16Array {
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (err) {
    throw new AudioError('BAD_WAV', `${name} is not a WAV file`, { cause: err });
  }
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
  if (fmt.audioFormat !== 1 || fmt.numChannels !== 1 || fmt.bitsPerSample !== 16 || fmt.sampleRate !== sampleRate) {
    throw new AudioError('BAD_WAV', `${name} is not 16-bit PCM mono at ${sampleRate} Hz`);
  }
  return Int16Array.from(wav.getSamples(false, Int16Array) as unknown as Int16Array);
}

/** Slices samples into 20 ms frames (160 samples); the last one is padded with silence. */
export function frames(samples: Int16Array, frameSamples = FRAME_SAMPLES): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += frameSamples) {
    const part = samples.subarray(i, i + frameSamples);
    if (part.length === frameSamples) out.push(part);
    else {
      const last = new Int16Array(frameSamples);
      last.set(part);
      out.push(last);
    }
  }
  return out;
}

const SEQUENCE_CACHE = 256;

export class PromptLibrary {
  readonly root: string;
  readonly #cache = new Map<string, Promise<Int16Array>>();
  readonly #sequences = new Map<string, Int16Array>();

  constructor(root: string = defaultPromptRoot()) {
    this.root = root;
  }

  /** Samples of prompt `name` in `lang`, else in en-US, else language-independent. */
  load(name: string, lang: string = FALLBACK_LANGUAGE): Promise<Int16Array> {
    if (!NAME.test(name)) return Promise.reject(new AudioError('BAD_ARGUMENT', `bad prompt name ${JSON.stringify(name.slice(0, 70))}`));
    const language = isPromptLanguage(lang) ? lang : FALLBACK_LANGUAGE;
    const key = `${language}/${name}`;
    let cached = this.#cache.get(key);
    if (!cached) {
      cached = this.#read(name, language);
      this.#cache.set(key, cached);
      cached.catch(() => this.#cache.delete(key));
    }
    return cached;
  }

  /** The path a prompt would be read from, or undefined when no asset exists. */
  resolve(name: string, lang: string = FALLBACK_LANGUAGE): string | undefined {
    const language = isPromptLanguage(lang) ? lang : FALLBACK_LANGUAGE;
    const candidates = [join(this.root, language, `${name}.wav`), join(this.root, FALLBACK_LANGUAGE, `${name}.wav`), join(this.root, `${name}.wav`)];
    return NAME.test(name) ? candidates.find((p) => existsSync(p)) : undefined;
  }

  /** Several prompts one after another, e.g. ['greeting-prefix', '4', '2', 'greeting-suffix']. */
  async sequence(names: readonly string[], lang: string = FALLBACK_LANGUAGE): Promise<Int16Array> {
    // Joined sequences are kept (the most recent SEQUENCE_CACHE of them): a burst of calls for
    // the same extensions must not copy the same greeting again and again (callers never write
    // into what they are given).
    const key = `${lang}|${names.join(',')}`;
    const hit = this.#sequences.get(key);
    if (hit) {
      this.#sequences.delete(key);
      this.#sequences.set(key, hit);
      return hit;
    }
    const parts = await Promise.all(names.map((n) => this.load(n, lang)));
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    this.#sequences.set(key, out);
    if (this.#sequences.size > SEQUENCE_CACHE) this.#sequences.delete(this.#sequences.keys().next().value ?? key);
    return out;
  }

  /** The system greeting for an extension, its digits spoken one by one. */
  greeting(extension: string, lang: string = FALLBACK_LANGUAGE): Promise<Int16Array> {
    if (!/^[0-9]{1,20}$/.test(extension)) return Promise.reject(new AudioError('BAD_ARGUMENT', 'an extension is 1-20 digits'));
    return this.sequence(['greeting-prefix', ...extension, 'greeting-suffix'], lang);
  }

  async #read(name: string, language: PromptLanguage): Promise<Int16Array> {
    const path = this.resolve(name, language);
    if (!path) throw new AudioError('PROMPT_NOT_FOUND', `no prompt ${name} for ${language} or ${FALLBACK_LANGUAGE}`);
    return readPcmWav(path);
  }
}
