// RTP pcaps with RFC 4733 digits at given times, for SIPp's play_pcap_audio: real-peer DTMF for
// the phone applications' tests (a PIN, a menu key, '#' during a greeting). One RTP stream (one
// SSRC, sequence numbers and timestamps running on the 20 ms clock from t = 0): G.711 frames of
// audio (optional: speech placed at a time, with silence around it, or no audio at all) and, at
// each digit's time, the telephone-event packets of src/media/dtmf/dtmf-sender.ts (§2.5.1: an
// update every 20 ms, all with the event's start timestamp, the end packet three times); the
// audio is left out while a key sounds, as a phone does. SIPp paces the packets by the pcap's
// times and rewrites addresses and ports, not the RTP (classic pcap, Ethernet/IPv4/UDP).
import { writeFileSync } from 'node:fs';
import { encode, type G711Codec } from '../../src/media/audio/g711.js';
import { dtmfPackets } from '../../src/media/dtmf/dtmf-sender.js';
import { RtpPacket } from '../../src/media/rtp/rtp-packet.js';

const FRAME_MS = 20;
const FRAME_SAMPLES = 160;

/** One key press: the digit (0-9 * # A-D) at `atMs` after the stream starts. */
export interface KeyPress {
  digit: string;
  atMs: number;
  /** tone length; 100 ms by default */
  durationMs?: number;
}

export interface DtmfPcapOptions {
  /** The keys: a list of presses, or a string pressed from `startMs` every `intervalMs`. */
  keys: KeyPress[] | string;
  /** with a string of keys: when the first is pressed (default 0) */
  startMs?: number;
  /** with a string of keys: from one press to the next (default 250 ms: 100 ms tone, 150 ms pause) */
  intervalMs?: number;
  /** speech to send (8 kHz samples) starting at `atMs`; silence frames elsewhere unless audio is 'none' */
  speech?: { samples: Int16Array; atMs: number };
  /** 'silence' (default): G.711 silence frames where there is no speech; 'none': only the digits */
  audio?: 'silence' | 'none';
  /** the stream's length; default: 200 ms after the last key or the end of the speech */
  totalMs?: number;
  /** PCMA (default, payload type 8) or PCMU (0): what the scenario's SDP offers */
  codec?: G711Codec;
  /** telephone-event payload type (default 101) */
  eventPayloadType?: number;
  ssrc?: number;
}

export interface TimedRtp {
  /** when SIPp sends it, µs from the first packet */
  tUs: number;
  rtp: Buffer;
}

/** The key presses of `keys` with their times. */
export function keyPresses(o: Pick<DtmfPcapOptions, 'keys' | 'startMs' | 'intervalMs'>): KeyPress[] {
  if (typeof o.keys !== 'string') return [...o.keys].sort((a, b) => a.atMs - b.atMs);
  const start = o.startMs ?? 0;
  const interval = o.intervalMs ?? 250;
  return [...o.keys].map((digit, i) => ({ digit, atMs: start + i * interval }));
}

/** The packets of the stream, in sending order. Throws on a digit that is not a DTMF key or keys that overlap. */
export function dtmfStream(o: DtmfPcapOptions): TimedRtp[] {
  const codec = o.codec ?? 'PCMA';
  const audioPt = codec === 'PCMA' ? 8 : 0;
  const eventPt = o.eventPayloadType ?? 101;
  const ssrc = o.ssrc ?? 0x0d7f0001;
  const presses = keyPresses(o);
  // Each key on the 20 ms grid: the frames it covers carry no audio.
  const keys = presses.map((k) => {
    const frame = Math.round(k.atMs / FRAME_MS);
    const packets = dtmfPackets(k.digit, { durationMs: k.durationMs ?? 100 });
    return { frame, packets, frames: packets.length };
  });
  keys.forEach((k, i) => {
    const next = keys[i + 1];
    if (next && next.frame < k.frame + k.frames + 2) throw new Error(`dtmfStream: the key at ${presses[i + 1]?.atMs} ms starts before the one at ${presses[i]?.atMs} ms has ended (keep 40 ms between keys)`);
  });
  const speech = o.speech;
  const speechFrames = speech ? Math.ceil(speech.samples.length / FRAME_SAMPLES) : 0;
  const speechStart = speech ? Math.round(speech.atMs / FRAME_MS) : 0;
  const lastKey = keys.at(-1);
  const endFrame = o.totalMs !== undefined
    ? Math.round(o.totalMs / FRAME_MS)
    : Math.max(lastKey ? lastKey.frame + lastKey.frames : 0, speechStart + speechFrames) + 10;

  const out: TimedRtp[] = [];
  let seq = 1;
  let marker = true;
  const push = (frame: number, offsetMs: number, pt: number, ts: number, payload: Buffer, m: boolean) => {
    out.push({ tUs: (frame * FRAME_MS + offsetMs) * 1000, rtp: new RtpPacket({ payloadType: pt, sequenceNumber: seq++ & 0xffff, timestamp: ts >>> 0, ssrc, payload, marker: m }).serialize() });
  };
  const silence = encode(new Int16Array(FRAME_SAMPLES), codec);
  let k = 0;
  for (let f = 0; f < endFrame;) {
    const key = keys[k];
    if (key && key.frame === f) {
      // RFC 4733 §2.5.1.2: every packet of the event has its start timestamp, the first the marker.
      for (const p of key.packets) push(f, p.sendAtMs, eventPt, f * FRAME_SAMPLES, p.payload, p.marker);
      f += key.frames;
      k++;
      marker = true; // §2.5.1.2 / RFC 3550: audio after an event starts a new talkspurt
      continue;
    }
    let payload: Buffer | undefined;
    if (speech && f >= speechStart && f < speechStart + speechFrames) {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(speech.samples.subarray((f - speechStart) * FRAME_SAMPLES, (f - speechStart + 1) * FRAME_SAMPLES));
      payload = encode(frame, codec);
    } else if (o.audio !== 'none') payload = silence;
    if (payload) {
      push(f, 0, audioPt, f * FRAME_SAMPLES, payload, marker);
      marker = false;
    }
    f++;
  }
  return out;
}

/** Writes packets as a classic pcap (Ethernet/IPv4/UDP 127.0.0.1:6000 → 127.0.0.1:6000; SIPp rewrites both). */
export function writeRtpPcap(path: string, packets: TimedRtp[]): string {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts = [header];
  packets.forEach(({ tUs, rtp }, i) => {
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(0x0800, 12);
    const ip = Buffer.from([0x45, 0xb8, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]);
    ip.writeUInt16BE(20 + 8 + rtp.length, 2);
    ip.writeUInt16BE(i & 0xffff, 4);
    ip.writeUInt16BE(ipChecksum(ip), 10);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(6000, 0);
    udp.writeUInt16BE(6000, 2);
    udp.writeUInt16BE(8 + rtp.length, 4);
    const frame = Buffer.concat([eth, ip, udp, rtp]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(tUs / 1e6), 0);
    rec.writeUInt32LE(Math.round(tUs % 1e6), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  });
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

function ipChecksum(b: Buffer): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += b.readUInt16BE(i);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

/** dtmfStream written to `path`; returns the path. */
export function writeDtmfPcap(path: string, o: DtmfPcapOptions): string {
  return writeRtpPcap(path, dtmfStream(o));
}
