// What the voice-mail real-peer tests look at on the server side: a user's messages in the store
// (read through the same node code the server uses), the greeting's length from the prompt
// assets, and the workers' 'call ended' log lines with their RTP counters.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getUser } from '../../src/org/users.js';
import { listMessages, type VoiceMessage } from '../../src/org/voice-messages.js';
import { openNode } from '../../src/services/node.js';
import { readWav } from './audio-compare.js';
import { repoRoot, sleep } from './peers/proc.js';
import { run } from './run.js';

/** A user's messages and missed calls (not those still recording), newest first. */
export async function userMessages(data: string, user: string): Promise<VoiceMessage[]> {
  const node = await openNode({ dataDir: data, actor: { name: 'test' } });
  try {
    const u = await getUser(node.store.db, user);
    return await listMessages(node.store.db, u.id);
  } finally {
    await node.close();
  }
}

/** Waits for a message of user whose id is not in `known` (finished: stored or missed). */
export async function waitForMessage(data: string, user: string, known: Iterable<number>, timeoutMs = 15_000): Promise<VoiceMessage> {
  const seen = new Set(known);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const fresh = (await userMessages(data, user)).find((m) => !seen.has(m.id));
    if (fresh) return fresh;
    if (Date.now() > until) throw new Error(`no new voice message for ${user} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

export const messageIds = async (data: string, user: string): Promise<number[]> => (await userMessages(data, user)).map((m) => m.id);

export const audioFile = (data: string, m: VoiceMessage): string => join(data, m.audioPath);

const PROMPTS = (): string => join(repoRoot(), 'assets', 'prompts');

/**
 * Seconds of the system greeting for an extension (greeting-prefix, its digits, greeting-suffix)
 * plus the tone, from the assets the worker plays. A missing tone counts its documented 0.3 s.
 */
export function greetingSeconds(extension: string, language = 'en-US'): number {
  const dir = join(PROMPTS(), language);
  const files = [join(dir, 'greeting-prefix.wav'), ...[...extension].map((d) => join(dir, `${d}.wav`)), join(dir, 'greeting-suffix.wav')];
  const speech = files.reduce((s, f) => s + readWav(f).durationSec, 0);
  const tone = join(PROMPTS(), 'tone.wav');
  return speech + (existsSync(tone) ? readWav(tone).durationSec : 0.3);
}

export interface RtpCounters {
  packetsIn: number;
  expected: number;
  lost: number;
  jitterMs: number;
  droppedWrongSource: number;
  droppedAuth: number;
  droppedInvalid: number;
  droppedOversized?: number;
  [k: string]: unknown;
}

export interface CallEnded {
  callId?: string;
  reason?: string;
  worker?: number;
  rtp?: RtpCounters;
  sendJitterP99Ms?: number;
  [k: string]: unknown;
}

/** The pino JSON lines with msg 'call ended' in a server's output. */
export function callEndedLines(output: string): CallEnded[] {
  const out: CallEnded[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"call ended"')) continue;
    try {
      const j = JSON.parse(line) as CallEnded & { msg?: string };
      if (j.msg === 'call ended') out.push(j);
    } catch { /* not JSON */ }
  }
  return out;
}

/** Waits until output holds a 'call ended' line for callId (or any new one when callId is undefined). */
export async function waitForCallEnded(output: () => string, match: (c: CallEnded) => boolean, timeoutMs = 10_000): Promise<CallEnded> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = callEndedLines(output()).find(match);
    if (hit) return hit;
    if (Date.now() > until) throw new Error(`no matching 'call ended' log line within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The system greeting for an extension as one WAV (prefix, digits, suffix, tone), made with sox. */
export async function greetingReference(out: string, extension: string, language = 'en-US'): Promise<string> {
  const dir = join(PROMPTS(), language);
  const tone = join(PROMPTS(), 'tone.wav');
  const files = [join(dir, 'greeting-prefix.wav'), ...[...extension].map((d) => join(dir, `${d}.wav`)), join(dir, 'greeting-suffix.wav'), ...(existsSync(tone) ? [tone] : [])];
  const r = await run('sox', [...files, out], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`sox (greeting reference): ${r.stderr}`);
  return out;
}
