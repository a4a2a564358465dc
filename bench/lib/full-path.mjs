// The SIPp voice-mail call through the whole path (bench/sipp-full-path.xml.in) rendered for one
// run: the audio pcap (SIPp's g711a.pcap in 20 ms packets, looped to the message length), the
// greeting's length (the longest system greeting of an extension 5xxx, from the prompt assets), and
// an injection file with the extensions 5000… called in turn.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loop, repack, SIPP_G711A } from '../../test/fixtures/sipp/rtp-pcap.mjs';

/** Seconds of a PCM WAV file (its data chunk / byte rate). */
export function wavSeconds(file) {
  const b = readFileSync(file);
  const byteRate = b.readUInt32LE(28);
  for (let o = 12; o + 8 <= b.length;) {
    const id = b.toString('latin1', o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === 'data') return size / byteRate;
    o += 8 + size + (size % 2);
  }
  return 0;
}

/** The longest system greeting of an extension 5xxx (prefix, four digits, suffix, tone), in ms, plus a margin. */
export function greetingMs(root) {
  const dir = join(root, 'assets', 'prompts', 'en-US');
  const digit = Math.max(...'0123456789'.split('').map((d) => wavSeconds(join(dir, `${d}.wav`))));
  const tone = join(root, 'assets', 'prompts', 'tone.wav');
  const s = wavSeconds(join(dir, 'greeting-prefix.wav')) + 4 * digit + wavSeconds(join(dir, 'greeting-suffix.wav')) + (existsSync(tone) ? wavSeconds(tone) : 0.3);
  return Math.ceil(s * 1000) + 700; // the tone is over before the caller speaks
}

/** Renders the scenario and the injection file into `work`; returns their paths. */
export function renderFullPath({ root, work, audioSeconds, users }) {
  if (!existsSync(SIPP_G711A)) throw new Error(`${SIPP_G711A} missing (package sip-tester)`);
  const pcap = loop(repack(SIPP_G711A, join(work, 'g711a-20ms.pcap'), 20), join(work, `g711a-${audioSeconds}s.pcap`), audioSeconds);
  let xml = readFileSync(join(root, 'bench', 'sipp-full-path.xml.in'), 'utf8');
  for (const [k, v] of Object.entries({ AUDIO_PCAP: pcap, GREETING_MS: greetingMs(root), AUDIO_MS: audioSeconds * 1000 + 300 })) xml = xml.split(`@${k}@`).join(String(v));
  const left = /@[A-Z][A-Z0-9_]*@/.exec(xml);
  if (left) throw new Error(`sipp-full-path.xml.in: no value for ${left[0]}`);
  const scenario = join(work, 'full-path.xml');
  writeFileSync(scenario, xml);
  const injection = join(work, 'users.csv');
  writeFileSync(injection, ['SEQUENTIAL', ...Array.from({ length: users }, (_, i) => `${5000 + i};`)].join('\n') + '\n');
  return { scenario, injection };
}

/**
 * SIPp arguments for `calls` full-path calls from `address` (its SIP port `sipPort`, media
 * `mediaPort`) to the Call Router at `router` (default: the same address); statistics every
 * `statEverySec` seconds.
 */
export function sippArgs({ address, router = address, routerPort, scenario, injection, calls, concurrency, rate, timeoutSec, statFile, errorFile, sipPort, mediaPort, statEverySec = 5 }) {
  // No -recv_timeout: SIPp 3.6.1 with it ended a run while the calls created last were still in
  // their greeting pause (cut off, no BYE). A call that hangs is ended by -timeout.
  return [`${router}:${routerPort}`, '-sf', scenario, '-inf', injection, '-t', 'u1', '-i', address, '-p', String(sipPort),
    '-mi', address, '-mp', String(mediaPort), '-l', String(concurrency), '-m', String(calls), '-r', String(rate), '-rp', '1000',
    '-timeout', `${timeoutSec}s`, '-timeout_error', '-nostdin', '-buff_size', '4194304',
    '-trace_stat', '-stf', statFile, '-fd', String(statEverySec), '-trace_err', '-error_file', errorFile];
}
