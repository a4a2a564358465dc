// Does a recording hold the speech that was sent? Compares two WAV files by duration, by
// speech-trimmed duration (sox's `silence` effect at both ends) and by loudness envelope (RMS per
// 50 ms in dBFS), taking the best Pearson correlation of the envelopes over lags of ±1 s.
//
// Thresholds (measured by test/peers/audio-compare.test.ts, which prints its figures): the same
// espeak utterance after a G.711 u-law or A-law round trip correlates ≥ 0.99 with the original and
// its trimmed duration moves by < 10 ms, and with 3% of 20 ms frames lost it still correlates 0.998;
// a different utterance (4.2 s against 4.97 s) correlates 0.38 at its best lag.
// A recording that went through RTP, a jitter buffer and the decoder loses at most a few frames
// at the edges, so 0.8 leaves a wide margin on both sides; 0.2 s on the speech-trimmed duration
// allows a lost packet or two at each end and sox's 50 ms trigger window.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.js';

export const FRAME_MS = 50;
export const MAX_LAG_MS = 1000;
export const FLOOR_DB = -60;
export const DURATION_TOLERANCE_SEC = 0.2;
export const MIN_CORRELATION = 0.8;

export interface Wav {
  sampleRate: number;
  channels: number;
  /** mono samples, -1..1 (first channel only) */
  samples: Float32Array;
  durationSec: number;
}

function alaw(a: number): number {
  a ^= 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  t += seg === 0 ? 8 : 0x108;
  if (seg > 1) t <<= seg - 1;
  return a & 0x80 ? t : -t;
}

function ulaw(u: number): number {
  u = ~u & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/**
 * Reads a RIFF/WAVE file: PCM 16-bit, or G.711 A-law (format 6) / u-law (7). A data chunk whose
 * size was never filled in (0, or past the end: a recorder that writes as it goes) runs to the end.
 */
export function readWav(path: string): Wav {
  const b = readFileSync(path);
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${path}: not a RIFF/WAVE file`);
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  for (let off = 12; off + 8 <= b.length;) {
    const id = b.toString('latin1', off, off + 4);
    const declared = b.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      format = b.readUInt16LE(body);
      channels = b.readUInt16LE(body + 2);
      sampleRate = b.readUInt32LE(body + 4);
      bits = b.readUInt16LE(body + 14);
    } else if (id === 'data') {
      const end = declared === 0 || body + declared > b.length ? b.length : body + declared;
      return decode(path, b.subarray(body, end), { format, channels, sampleRate, bits });
    }
    off = body + declared + (declared & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

function decode(path: string, data: Buffer, f: { format: number; channels: number; sampleRate: number; bits: number }): Wav {
  if (!f.sampleRate || !f.channels) throw new Error(`${path}: no fmt chunk before data`);
  let samples: Float32Array;
  if (f.format === 1 && f.bits === 16) {
    const n = Math.floor(data.length / 2 / f.channels);
    samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = data.readInt16LE(i * 2 * f.channels) / 32768;
  } else if ((f.format === 6 || f.format === 7) && f.bits === 8) {
    const n = Math.floor(data.length / f.channels);
    const dec = f.format === 6 ? alaw : ulaw;
    samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = dec(data[i * f.channels] ?? 0) / 32768;
  } else {
    throw new Error(`${path}: WAV format ${f.format}/${f.bits} bits is not PCM16 or G.711`);
  }
  return { sampleRate: f.sampleRate, channels: f.channels, samples, durationSec: samples.length / f.sampleRate };
}

/** RMS per FRAME_MS frame in dBFS, floored at FLOOR_DB. */
export function envelope(w: Wav, frameMs = FRAME_MS): number[] {
  const n = Math.round((w.sampleRate * frameMs) / 1000);
  const out: number[] = [];
  for (let i = 0; i + n <= w.samples.length; i += n) {
    let sum = 0;
    for (let j = i; j < i + n; j++) sum += (w.samples[j] ?? 0) ** 2;
    const rms = Math.sqrt(sum / n);
    out.push(Math.max(FLOOR_DB, rms > 0 ? 20 * Math.log10(rms) : FLOOR_DB));
  }
  return out;
}

function pearson(a: number[], b: number[], lag: number): { r: number; n: number } {
  // pairs a[i], b[i + lag]
  const from = Math.max(0, -lag);
  const to = Math.min(a.length, b.length - lag);
  const n = to - from;
  if (n < 2) return { r: -1, n: 0 };
  let sa = 0, sb = 0;
  for (let i = from; i < to; i++) { sa += a[i] ?? 0; sb += b[i + lag] ?? 0; }
  const ma = sa / n;
  const mb = sb / n;
  let num = 0, da = 0, db = 0;
  for (let i = from; i < to; i++) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i + lag] ?? 0) - mb;
    num += x * y; da += x * x; db += y * y;
  }
  return { r: da > 0 && db > 0 ? num / Math.sqrt(da * db) : -1, n };
}

/** The best correlation of b against a over lags of ±maxLagMs, with the lag (ms, b later = positive). */
export function bestCorrelation(a: number[], b: number[], maxLagMs = MAX_LAG_MS, frameMs = FRAME_MS): { correlation: number; lagMs: number } {
  const maxLag = Math.round(maxLagMs / frameMs);
  // Overlap at least half of the shorter envelope, so a lag cannot win on a sliver.
  const minOverlap = Math.max(2, Math.floor(Math.min(a.length, b.length) / 2));
  let best = { correlation: -1, lagMs: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const { r, n } = pearson(a, b, lag);
    if (n >= minOverlap && r > best.correlation) best = { correlation: r, lagMs: lag * frameMs };
  }
  return best;
}

/** sox's silence effect at both ends (1% ≈ -40 dBFS held for 50 ms) into out. */
export async function trimSilence(input: string, out: string): Promise<string> {
  const r = await run('sox', [input, out, 'silence', '1', '0.05', '1%', 'reverse', 'silence', '1', '0.05', '1%', 'reverse'], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`sox silence ${input}: ${r.stderr}`);
  return out;
}

export interface AudioFacts {
  durationSec: number;
  speechSec: number;
}

export interface Comparison {
  sent: AudioFacts;
  received: AudioFacts;
  /** received speech minus sent speech, seconds */
  speechDiffSec: number;
  correlation: number;
  lagMs: number;
  ok: boolean;
  /** why not ok ('' when ok) */
  problems: string;
}

/**
 * Compares the speech in `received` with the speech in `sent`: both trimmed of leading/trailing
 * silence, then durations within DURATION_TOLERANCE_SEC and envelope correlation ≥ MIN_CORRELATION.
 */
export async function compareSpeech(sent: string, received: string, o: { toleranceSec?: number; minCorrelation?: number } = {}): Promise<Comparison> {
  const dir = mkdtempSync(join(tmpdir(), 'openum-audio-'));
  try {
    const facts = async (path: string, name: string): Promise<{ facts: AudioFacts; env: number[] }> => {
      // sox reads G.711 WAV too; the trimmed copy is PCM16 whatever the input.
      const trimmed = readWav(await trimSilence(path, join(dir, `${name}.wav`)));
      return { facts: { durationSec: readWav(path).durationSec, speechSec: trimmed.durationSec }, env: envelope(trimmed) };
    };
    const a = await facts(sent, 'sent');
    const b = await facts(received, 'received');
    const { correlation, lagMs } = bestCorrelation(a.env, b.env);
    const speechDiffSec = b.facts.speechSec - a.facts.speechSec;
    const tol = o.toleranceSec ?? DURATION_TOLERANCE_SEC;
    const min = o.minCorrelation ?? MIN_CORRELATION;
    const problems = [
      Math.abs(speechDiffSec) <= tol ? '' : `speech lasts ${b.facts.speechSec.toFixed(2)} s, sent ${a.facts.speechSec.toFixed(2)} s (more than ${tol} s apart)`,
      correlation >= min ? '' : `loudness envelopes correlate ${correlation.toFixed(3)} < ${min}`,
    ].filter(Boolean).join('; ');
    return { sent: a.facts, received: b.facts, speechDiffSec, correlation, lagMs, ok: !problems, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const describeComparison = (c: Comparison): string =>
  `sent ${c.sent.durationSec.toFixed(2)} s (speech ${c.sent.speechSec.toFixed(2)} s), received ${c.received.durationSec.toFixed(2)} s ` +
  `(speech ${c.received.speechSec.toFixed(2)} s), envelope correlation ${c.correlation.toFixed(3)} at lag ${c.lagMs} ms${c.ok ? '' : ` — ${c.problems}`}`;
