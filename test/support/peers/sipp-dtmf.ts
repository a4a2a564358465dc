// SIPp as a caller who presses keys: renders test/fixtures/sipp/uac-dtmf.xml around a pcap of
// test/support/dtmf-pcap.ts (audio and RFC 4733 digits at given times), runs it, and captures with
// tshark what the server sent to SIPp's media port, decoded to a WAV (G.711, placed by RTP
// timestamp) for comparison with the prompts or message expected. For subscriber access, the auto
// attendant and any test that needs a real peer's digits:
//
//   const pcap = writeDtmfPcap(join(dir, 'pin.pcap'), { keys: '123456#', startMs: 1500 });
//   const r = await runDtmfCall({ dir, name: 'logon', pcap, target: `${ADDRESS}:5065`, service: '4000',
//     ending: 'caller-bye', callMs: 8000, mediaPort: 32100 });
//   r.sipp.successful === 1; r.heardWav is what SIPp heard; r.heardPackets its RTP packets.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '../../../src/media/audio/g711.js';
import { pcapToWav } from './sipp-voicemail.js';
import { fixture } from './proc.js';
import { runSipp, type SippResult, type SippTransport } from './sipp.js';
import { startCapture, udpDatagrams, type Capture } from './tshark.js';

export type DtmfEnding = 'server-bye' | 'caller-bye';

export interface DtmfScenario {
  pcap: string;
  ending: DtmfEnding;
  /** pause after the ACK before the pcap starts (default 0) */
  startMs?: number;
  /** 'caller-bye': BYE this long after the pcap started */
  callMs?: number;
  /** 'server-bye': how long to wait for the server's BYE after the pcap started (default 20 s) */
  byeWaitMs?: number;
  /** what the SDP offers and the pcap holds: PCMA (default) or PCMU */
  codec?: 'PCMA' | 'PCMU';
}

/** Writes the rendered scenario to `out` and returns its path. */
export function renderDtmfScenario(out: string, s: DtmfScenario): string {
  let text = readFileSync(fixture('sipp', 'uac-dtmf.xml'), 'utf8');
  const other: DtmfEnding = s.ending === 'server-bye' ? 'caller-bye' : 'server-bye';
  const block = new RegExp(`[ \\t]*<!-- ending ${other} -->[\\s\\S]*?<!-- /ending ${other} -->\\n?`);
  if (!block.test(text)) throw new Error(`uac-dtmf.xml: no block for the ending ${other}`);
  text = text.replace(block, '');
  const codec = s.codec ?? 'PCMA';
  const vars: Record<string, string | number> = {
    PCAP: s.pcap, START_MS: s.startMs ?? 0, CALL_MS: s.callMs ?? 0, BYE_WAIT_MS: s.byeWaitMs ?? 20_000,
    CODEC: codec, PT: codec === 'PCMA' ? 8 : 0,
  };
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(String(v));
  const left = /@[A-Z][A-Z0-9_]*@/.exec(text);
  if (left) throw new Error(`uac-dtmf.xml: placeholder ${left[0]} has no value`);
  writeFileSync(out, text);
  return out;
}

export interface DtmfCallOptions extends DtmfScenario {
  /** directory for the scenario, capture and WAV */
  dir: string;
  /** file name stem */
  name: string;
  /** server host:port (loopback); SIPp sends from the same address */
  target: string;
  transport?: SippTransport;
  /** Request-URI user ([service]) */
  service: string;
  fromUser?: string;
  headers?: string[];
  /** SIPp's media port (-mp): the capture listens for what arrives there */
  mediaPort: number;
  localPort?: number;
  timeoutSec?: number;
}

export interface DtmfCallResult {
  sipp: SippResult;
  /** the tshark capture of what the server sent to SIPp's media port */
  capture: string;
  /** the G.711 audio SIPp received, decoded, by RTP timestamp ('' when none came) */
  heardWav: string;
  /** the RTP packets SIPp received (audio and others), in arrival order */
  heardPackets: { t: number; payloadType: number; payload: Buffer }[];
  /** ms of audio received: G.711 packets' samples / 8 */
  heardMs: number;
  /** received audio frames that are not silence, in ms (a prompt played, not comfort silence) */
  audibleMs: number;
}

/** Runs one call of uac-dtmf.xml while tshark records what SIPp hears. */
export async function runDtmfCall(o: DtmfCallOptions): Promise<DtmfCallResult> {
  const scenario = renderDtmfScenario(join(o.dir, `${o.name}.xml`), o);
  const host = o.target.split(':')[0] ?? '127.0.0.1';
  const file = join(o.dir, `${o.name}-heard.pcap`);
  const timeoutSec = o.timeoutSec ?? 60;
  const capture: Capture = await startCapture({ filter: `udp and dst host ${host} and dst port ${o.mediaPort}`, file, maxSec: timeoutSec + 15, maxPackets: 50_000 });
  let sipp: SippResult;
  try {
    sipp = await runSipp({
      scenario, target: o.target, transport: o.transport ?? 'u1', calls: 1, timeoutSec, mediaPort: o.mediaPort,
      keys: { service: o.service, from_user: o.fromUser ?? '+15551230002' },
      ...(o.headers ? { headers: o.headers } : {}), ...(o.localPort ? { localPort: o.localPort } : {}),
    });
  } finally {
    await capture.stop();
  }
  const heardPackets = (await udpDatagrams(file)).filter((d) => d.payload.length >= 12 && ((d.payload[0] ?? 0) >> 6) === 2)
    .map((d) => ({ t: d.t, payloadType: (d.payload[1] ?? 0) & 0x7f, payload: d.payload.subarray(12) }));
  const audio = heardPackets.filter((p) => p.payloadType === 0 || p.payloadType === 8);
  let audibleMs = 0;
  for (const p of audio) {
    const samples = decode(p.payload, p.payloadType === 8 ? 'PCMA' : 'PCMU');
    let energy = 0;
    for (const s of samples) energy += s * s;
    if (Math.sqrt(energy / Math.max(1, samples.length)) > 100) audibleMs += samples.length / 8;
  }
  const heardWav = audio.length ? await pcapToWav(file, join(o.dir, `${o.name}-heard.wav`)) : '';
  return { sipp, capture: file, heardWav, heardPackets, heardMs: audio.reduce((n, p) => n + p.payload.length / 8, 0), audibleMs };
}
