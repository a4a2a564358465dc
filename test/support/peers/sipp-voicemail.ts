// SIPp as a caller leaving a voice message: renders test/fixtures/sipp/uac-voicemail.xml (its
// pcap path and pauses are literal in SIPp) with one of its three endings, and makes the RTP pcaps
// from SIPp's own g711a.pcap with test/fixtures/sipp/rtp-pcap.mjs (cut, loop, '#' appended).
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixture } from './proc.js';

export const SIPP_G711A = '/usr/share/sip-tester/g711a.pcap';
export const RTP_PCAP_TOOL = fixture('sipp', 'rtp-pcap.mjs');

export type Ending = 'dtmf' | 'hangup' | 'release';
const ENDINGS: readonly Ending[] = ['dtmf', 'hangup', 'release'];

export interface VoicemailScenario {
  ending: Ending;
  /** pcap played after the greeting (for 'dtmf' it must end with the '#') */
  audioPcap: string;
  /** pause after the ACK before the audio starts */
  greetingMs: number;
  /** 'hangup': BYE this long after the audio started */
  audioMs?: number;
  /** 'dtmf': how long to wait for the server's BYE after the audio started */
  byeWaitMs?: number;
  /** 'release': how long to wait for the test's INFO (releaseSippCall) before hanging up anyway */
  releaseWaitMs?: number;
}

/** Writes the rendered scenario to out and returns its path. */
export function renderVoicemailScenario(out: string, s: VoicemailScenario): string {
  let text = readFileSync(fixture('sipp', 'uac-voicemail.xml'), 'utf8');
  for (const other of ENDINGS.filter((e) => e !== s.ending)) {
    const block = new RegExp(`[ \\t]*<!-- ending ${other} -->[\\s\\S]*?<!-- /ending ${other} -->\\n?`, 'g');
    if (!block.test(text)) throw new Error(`uac-voicemail.xml: no block for the ending ${other}`);
    text = text.replace(block, '');
  }
  const vars: Record<string, string | number> = {
    AUDIO_PCAP: s.audioPcap, GREETING_MS: s.greetingMs, AUDIO_MS: s.audioMs ?? 0, BYE_WAIT_MS: s.byeWaitMs ?? 20_000,
    RELEASE_WAIT_MS: s.releaseWaitMs ?? 60_000,
  };
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(String(v));
  const left = /@[A-Z][A-Z0-9_]*@/.exec(text);
  if (left) throw new Error(`uac-voicemail.xml: placeholder ${left[0]} has no value`);
  writeFileSync(out, text);
  return out;
}

/** test/fixtures/sipp/rtp-pcap.mjs, loaded once into this process: no node start per pcap. */
interface RtpPcapModule {
  info(path: string): PcapInfo;
  cut(input: string, out: string, seconds: number): unknown;
  loop(input: string, out: string, seconds: number): unknown;
  repack(input: string, out: string, ptimeMs: number): unknown;
  dtmf(input: string, out: string, o: { digits?: string; pt?: number }): unknown;
  toWav(input: string, out: string): unknown;
}
let loaded: Promise<RtpPcapModule> | undefined;
const rtpPcap = (): Promise<RtpPcapModule> => (loaded ??= import(pathToFileURL(RTP_PCAP_TOOL).href) as Promise<RtpPcapModule>);

export interface PcapInfo {
  packets: number;
  payloadTypes: number[];
  ssrcs: string[];
  audioPackets: number;
  audioSeconds: number;
  packetMs: number;
  wallSeconds: number;
}

export const pcapInfo = async (pcap: string): Promise<PcapInfo> => (await rtpPcap()).info(pcap);
export const cutPcap = async (input: string, out: string, seconds: number): Promise<string> => ((await rtpPcap()).cut(input, out, seconds), out);
/** the same audio re-cut into ptimeMs packets (g711a.pcap has 30 ms packets) */
export const repackPcap = async (input: string, out: string, ptimeMs: number): Promise<string> => ((await rtpPcap()).repack(input, out, ptimeMs), out);
export const loopPcap = async (input: string, out: string, seconds: number): Promise<string> => ((await rtpPcap()).loop(input, out, seconds), out);
/** input's audio followed by the digits as RFC 4733 events (payload type pt) in the same stream */
export const withDtmf = async (input: string, out: string, digits = '#', pt = 101): Promise<string> => ((await rtpPcap()).dtmf(input, out, { digits, pt }), out);
/** the G.711 audio of a pcap as 8 kHz PCM16 WAV (the reference for what was sent) */
export const pcapToWav = async (input: string, out: string): Promise<string> => ((await rtpPcap()).toWav(input, out), out);

export const sippPcapsMissing = (): string => (existsSync(SIPP_G711A) ? '' : `${SIPP_G711A} (package sip-tester)`);

export interface VoicemailPcaps {
  /** g711a.pcap's audio in 20 ms packets, then '#' */
  withHash: string;
  /** g711a.pcap's audio in 20 ms packets */
  audio: string;
  /** g711a.pcap as shipped (30 ms packets), then '#' */
  withHash30ms: string;
  /** its first second, 20 ms packets */
  short: string;
  /** the audio as PCM16 WAV (the same for all) */
  audioWav: string;
  audioSeconds: number;
}

/** The pcaps of the voice-mail calls, made in dir from SIPp's g711a.pcap (A-law, 30 ms packets). */
export async function voicemailPcaps(dir: string): Promise<VoicemailPcaps> {
  const audio = await repackPcap(SIPP_G711A, join(dir, 'audio-20ms.pcap'), 20);
  return {
    withHash: await withDtmf(audio, join(dir, 'audio-20ms-hash.pcap')),
    audio,
    withHash30ms: await withDtmf(SIPP_G711A, join(dir, 'audio-30ms-hash.pcap')),
    short: await cutPcap(audio, join(dir, 'audio-1s.pcap'), 1),
    audioWav: await pcapToWav(SIPP_G711A, join(dir, 'audio.wav')),
    audioSeconds: (await pcapInfo(SIPP_G711A)).audioSeconds,
  };
}

/**
 * Ends a call of the 'release' ending: an INFO in its dialog, sent straight to SIPp's own SIP port
 * (SIPp matches requests to calls by Call-ID: run it with `-cid_str` so the test knows it). SIPp
 * answers 200 to its remote address (the proxy or server it called), not to the sender, so the
 * proof is its run ending (`ended`, the runSipp promise): the INFO is sent again every second until
 * then, 5 times at most.
 */
export async function releaseSippCall(sipp: { address: string; port: number }, callId: string, ended: Promise<unknown>): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(0, sipp.address, resolve); });
  const { port } = socket.address();
  const info = [
    `INFO sip:caller@${sipp.address}:${sipp.port} SIP/2.0`, `Via: SIP/2.0/UDP ${sipp.address}:${port};branch=z9hG4bK-release-${port}`,
    `From: <sip:test@${sipp.address}>;tag=release`, `To: <sip:caller@${sipp.address}>`, `Call-ID: ${callId}`, 'CSeq: 1 INFO',
    'Max-Forwards: 70', 'Content-Length: 0', '', '',
  ].join('\r\n');
  const done = ended.then(() => true, () => true);
  try {
    for (let i = 0; i < 5; i++) {
      socket.send(info, sipp.port, sipp.address);
      if (await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), 1000))])) return;
    }
    throw new Error(`releaseSippCall: SIPp at ${sipp.address}:${sipp.port} did not end the call ${callId} within 5 s of the INFO`);
  } finally {
    socket.close();
  }
}
