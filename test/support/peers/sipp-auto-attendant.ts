// SIPp as a gateway's caller at an auto attendant: renders test/fixtures/sipp/uac-auto-attendant.xml
// (literal pcap path and pauses) with one of its two endings, and makes the pcap of the keys the
// caller presses (RFC 4733 events only) with test/fixtures/sipp/rtp-pcap.mjs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../run.js';
import { fixture } from './proc.js';
import { RTP_PCAP_TOOL, SIPP_G711A } from './sipp-voicemail.js';

export type TransferEnding = 'accept' | 'refuse';

export interface AutoAttendantScenario {
  ending: TransferEnding;
  /** pcap of the keys (keysPcap) */
  digitsPcap: string;
  /** pause after the ACK before the keys (they may interrupt the greeting: type-ahead) */
  greetingMs: number;
  /** the user part the REFER's Refer-To must have (the extension transferred to) */
  referUser: string;
  referWaitMs?: number;
  byeWaitMs?: number;
  /** 'refuse': how long the caller stays after the 405 (hearing the failure prompt and the menu) */
  afterMs?: number;
}

export function renderAutoAttendantScenario(out: string, s: AutoAttendantScenario): string {
  let text = readFileSync(fixture('sipp', 'uac-auto-attendant.xml'), 'utf8');
  const other: TransferEnding = s.ending === 'accept' ? 'refuse' : 'accept';
  const block = new RegExp(`[ \\t]*<!-- ending ${other} -->[\\s\\S]*?<!-- /ending ${other} -->\\n?`);
  if (!block.test(text)) throw new Error(`uac-auto-attendant.xml: no block for the ending ${other}`);
  text = text.replace(block, '');
  if (!/^\d{1,20}$/.test(s.referUser)) throw new Error('referUser: digits only (it is put in a regular expression)');
  const vars: Record<string, string | number> = {
    DIGITS_PCAP: s.digitsPcap, GREETING_MS: s.greetingMs, REFER_USER: s.referUser,
    REFER_WAIT_MS: s.referWaitMs ?? 20_000, BYE_WAIT_MS: s.byeWaitMs ?? 10_000, AFTER_MS: s.afterMs ?? 3000,
  };
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(String(v));
  const left = /@[A-Z][A-Z0-9_]*@/.exec(text);
  if (left) throw new Error(`uac-auto-attendant.xml: placeholder ${left[0]} has no value`);
  writeFileSync(out, text);
  return out;
}

/** A pcap of RFC 4733 events for `digits` (0-9 * #), numbered as a stream of its own. */
export async function keysPcap(dir: string, digits: string): Promise<string> {
  const safe = digits.replace(/\*/g, 'star').replace(/#/g, 'hash');
  const out = join(dir, `keys-${safe}.pcap`);
  const r = await run(process.execPath, [RTP_PCAP_TOOL, 'dtmf', SIPP_G711A, out, '--digits', digits, '--no-audio'], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`rtp-pcap.mjs dtmf ${digits}: ${r.stderr}`);
  return out;
}
