// What a phone heard: the PCMU payloads of captured RTP datagrams, in sequence order, as a WAV
// to compare with what was played (audio-compare.ts).
import { writeFileSync } from 'node:fs';
import { decode } from '../../src/media/audio/g711.js';
import { wavHeader } from '../../src/media/audio/wav-header.js';

/** The PCMU audio of the RTP datagrams sent to `port`, in sequence order, as an 8 kHz WAV. */
export function rtpToWav(datagrams: { dport: number; payload: Buffer }[], port: number, out: string): number {
  const packets = datagrams.filter((d) => d.dport === port && d.payload.length > 12 && (d.payload[0] ?? 0) >> 6 === 2 && ((d.payload[1] ?? 0) & 0x7f) === 0)
    .map((d) => ({ seq: d.payload.readUInt16BE(2), audio: decode(d.payload.subarray(12), 'PCMU') }));
  // RFC 3550 §A.1: the 16-bit sequence number wraps (it starts at random); order by the extended
  // number, unwrapped from the capture order, so a wrap mid-call does not move the end to the front.
  let last = packets[0]?.seq ?? 0;
  let extended = last;
  const ordered = packets.map((p) => {
    const delta = ((p.seq - last + 0x8000) & 0xffff) - 0x8000;
    last = p.seq;
    extended += delta;
    return { ext: extended, audio: p.audio };
  }).sort((a, b) => a.ext - b.ext);
  const pcm = Buffer.alloc(ordered.reduce((n, p) => n + p.audio.length * 2, 0));
  let o = 0;
  for (const p of ordered) for (const s of p.audio) { pcm.writeInt16LE(s, o); o += 2; }
  writeFileSync(out, Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]));
  return packets.length;
}
