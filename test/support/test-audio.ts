// Test audio made at test time with espeak-ng and sox (nothing binary in the repository): a
// caller's message — silence long enough to cover the UM greeting, then speech — as 8 kHz mono
// 16-bit WAV (what baresip's aufile plays and what the worker records), and the same as G.711
// RTP for SIPp. Every tool runs under a time limit.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { run } from './run.js';

export const MESSAGE_TEXT = 'This is a test message for Alice. Please call me back this afternoon.';
export const OTHER_TEXT = 'The quarterly numbers are ready, and the meeting moved to Thursday.';

let tools: string | undefined;
/** '' when espeak-ng and sox are installed, else the missing ones named. */
export function audioToolsMissing(): string {
  if (tools === undefined) {
    const missing = [['espeak-ng', '--version'], ['sox', '--version'], ['soxi', '-V0']]
      .filter(([cmd, arg]) => spawnSync(cmd as string, [arg as string], { timeout: 5000 }).error !== undefined)
      .map(([cmd]) => cmd as string);
    tools = missing.join(', ');
  }
  return tools;
}

async function must(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
}

/** Text to speech as 8 kHz mono PCM16 WAV. */
export async function speech(text: string, out: string): Promise<string> {
  const raw = `${out}.espeak.wav`;
  await must('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, text]);
  await must('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', out]);
  return out;
}

export interface MessageAudio {
  /** leadSec of silence, then the speech: what the caller sends */
  message: string;
  /** the speech alone (reference for comparisons) */
  speech: string;
  leadSec: number;
}

/**
 * A caller's message in dir: `leadSec` (default 8) of digital silence, which the greeting (~6.3 s
 * with the tone) plays over, then ~4.5 s of speech and `tailSec` (default 0.5) of silence.
 */
export async function makeMessageAudio(dir: string, o: { leadSec?: number; tailSec?: number; text?: string } = {}): Promise<MessageAudio> {
  const leadSec = o.leadSec ?? 8;
  const ref = await speech(o.text ?? MESSAGE_TEXT, join(dir, 'speech.wav'));
  const message = join(dir, 'message.wav');
  await must('sox', [ref, message, 'pad', String(leadSec), String(o.tailSec ?? 0.5)]);
  return { message, speech: ref, leadSec };
}

/** in → G.711 (u-law or A-law) → PCM16 again: what a G.711 call does to audio. */
export async function g711RoundTrip(input: string, out: string, law: 'u-law' | 'a-law' = 'u-law'): Promise<string> {
  const mid = `${out}.${law}.wav`;
  await must('sox', [input, '-e', law, '-b', '8', mid]);
  await must('sox', [mid, '-e', 'signed-integer', '-b', '16', out]);
  return out;
}
