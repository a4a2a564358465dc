// SIPp as a caller using the keypad: renders test/fixtures/sipp/uac-keys.xml with its steps (a
// pause, then a pcap of RFC 4733 keys) and one of its two endings, and makes the key pcaps with
// test/fixtures/sipp/rtp-pcap.mjs so that together they are one RTP stream: step k's events are
// numbered after k × STEP_SECONDS of SIPp's g711a audio, so sequence numbers and timestamps only
// grow from one step to the next (a receiver would drop a step that went back as duplicates).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../run.js';
import { fixture } from './proc.js';
import { loopPcap, repackPcap, RTP_PCAP_TOOL, SIPP_G711A } from './sipp-voicemail.js';

export type KeysEnding = 'server' | 'hangup';

export interface KeysStep {
  /** The pause before the keys (the prompts the caller waits for). */
  afterMs: number;
  /** A pcap made by keysPcaps. */
  pcap: string;
}

export interface KeysScenario {
  steps: KeysStep[];
  ending: KeysEnding;
  /** 'server': how long to wait for the server's BYE after the last step. */
  byeWaitMs?: number;
  /** 'hangup': the BYE this long after the last step. */
  hangupMs?: number;
}

/** 5 s of audio between steps = 250 packets of 20 ms; a key takes 10 packets, so at most 20 keys a step. */
const STEP_SECONDS = 5;
export const MAX_KEYS_PER_STEP = 20;

/** One pcap of RFC 4733 events per entry of `keys` ('246813#', '1', …), in dir. */
export async function keysPcaps(dir: string, keys: string[]): Promise<string[]> {
  if (keys.some((k) => k.length === 0 || k.length > MAX_KEYS_PER_STEP)) throw new Error(`each step has 1-${MAX_KEYS_PER_STEP} keys`);
  const audio = await repackPcap(SIPP_G711A, join(dir, 'keys-audio-20ms.pcap'), 20);
  const out: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const base = await loopPcap(audio, join(dir, `keys-base-${i}.pcap`), STEP_SECONDS * (i + 1));
    const pcap = join(dir, `keys-${i}.pcap`);
    const r = await run(process.execPath, [RTP_PCAP_TOOL, 'dtmf', base, pcap, '--digits', keys[i]!, '--no-audio'], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`rtp-pcap.mjs dtmf: ${r.stderr}`);
    out.push(pcap);
  }
  return out;
}

/** Writes the rendered scenario to out and returns its path. */
export function renderKeysScenario(out: string, s: KeysScenario): string {
  let text = readFileSync(fixture('sipp', 'uac-keys.xml'), 'utf8');
  const other: KeysEnding = s.ending === 'server' ? 'hangup' : 'server';
  const block = new RegExp(`[ \\t]*<!-- ending ${other} -->[\\s\\S]*?<!-- /ending ${other} -->\\n?`);
  if (!block.test(text)) throw new Error(`uac-keys.xml: no block for the ending ${other}`);
  text = text.replace(block, '');
  const steps = s.steps.map((st, i) => [
    `  <pause milliseconds="${Math.max(0, Math.round(st.afterMs))}"/>`,
    '  <nop>',
    '    <action>',
    `      <exec play_pcap_audio="${st.pcap}"/>`,
    `      <log message="step ${i + 1}"/>`,
    '    </action>',
    '  </nop>',
  ].join('\n')).join('\n');
  const vars: Record<string, string | number> = { STEPS: steps, BYE_WAIT_MS: s.byeWaitMs ?? 20_000, HANGUP_MS: s.hangupMs ?? 0 };
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(String(v));
  const left = /@[A-Z][A-Z0-9_]*@/.exec(text);
  if (left) throw new Error(`uac-keys.xml: placeholder ${left[0]} has no value`);
  writeFileSync(out, text);
  return out;
}
