// The DTMF pcap maker of test/support/dtmf-pcap.ts: one RTP stream, keys where they were asked,
// RFC 4733 packets our own receiver decodes to the same digits, no audio while a key sounds, and
// a pcap file SIPp can read (classic pcap, Ethernet/IPv4/UDP).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decode } from '../../src/media/audio/g711.js';
import { DtmfReceiver } from '../../src/media/dtmf/dtmf-receiver.js';
import { RtpPacket } from '../../src/media/rtp/rtp-packet.js';
import { dtmfStream, keyPresses, writeDtmfPcap } from '../support/dtmf-pcap.js';
import { tempDir } from '../support/run.js';

const parse = (s: ReturnType<typeof dtmfStream>) => s.map((p) => ({ tMs: p.tUs / 1000, pkt: RtpPacket.deSerialize(p.rtp) }));

describe('dtmf-pcap', () => {
  it('keys from a string: every intervalMs from startMs', () => {
    assert.deepEqual(keyPresses({ keys: '12#', startMs: 1000 }), [{ digit: '1', atMs: 1000 }, { digit: '2', atMs: 1250 }, { digit: '#', atMs: 1500 }]);
  });

  it('one stream whose telephone-events our receiver decodes to the keys, with no audio while a key sounds', () => {
    const speech = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
    const packets = parse(dtmfStream({ keys: '1234*#', startMs: 500, speech: { samples: speech, atMs: 300 } }));
    assert.equal(new Set(packets.map((p) => p.pkt.ssrc)).size, 1);
    packets.forEach((p, i) => i > 0 && assert.equal(p.pkt.sequenceNumber, (packets[i - 1]?.pkt.sequenceNumber ?? 0) + 1));
    const times = packets.map((p) => p.tMs);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in sending order');
    const heard: string[] = [];
    const rx = new DtmfReceiver();
    rx.onDigit((d) => heard.push(d));
    for (const { pkt } of packets) if (pkt.payloadType === 101) rx.push({ payload: pkt.payload, timestamp: pkt.timestamp, marker: pkt.marker });
    assert.deepEqual(heard, [...'1234*#']);
    const events = packets.filter((p) => p.pkt.payloadType === 101);
    assert.equal(events[0]?.tMs, 500);
    assert.ok(events[0]?.pkt.marker);
    // between the first key's start and its last end packet, nothing else goes out
    const keySpan = events.slice(0, 7);
    const during = packets.filter((p) => p.pkt.payloadType === 8 && p.tMs >= (keySpan[0]?.tMs ?? 0) && p.tMs <= (keySpan[6]?.tMs ?? 0));
    assert.deepEqual(during, []);
    // the speech is in the stream: loud audio frames around the keys
    const loud = packets.filter((p) => p.pkt.payloadType === 8 && Math.max(...decode(p.pkt.payload, 'PCMA').map(Math.abs)) > 4000);
    assert.ok(loud.length >= 20, `${loud.length} loud frames`);
  });

  it('only the digits with audio none; overlapping keys and bad digits are refused', () => {
    const packets = parse(dtmfStream({ keys: [{ digit: '5', atMs: 40 }], audio: 'none', codec: 'PCMU', eventPayloadType: 96 }));
    assert.deepEqual([...new Set(packets.map((p) => p.pkt.payloadType))], [96]);
    assert.throws(() => dtmfStream({ keys: [{ digit: '1', atMs: 0 }, { digit: '2', atMs: 100 }] }), /starts before/);
    assert.throws(() => dtmfStream({ keys: 'x' }));
  });

  it('writes a classic pcap of Ethernet/IPv4/UDP frames', () => {
    const dir = tempDir('openum-dtmf-pcap-');
    try {
      const file = writeDtmfPcap(join(dir.path, 'k.pcap'), { keys: '9' });
      const b = readFileSync(file);
      assert.equal(b.readUInt32LE(0), 0xa1b2c3d4);
      assert.equal(b.readUInt32LE(20), 1);
      const len = b.readUInt32LE(24 + 8);
      assert.equal(b.readUInt16BE(24 + 16 + 12), 0x0800);
      assert.equal(len, 14 + 20 + 8 + 12 + 4, 'the first packet: one telephone-event');
    } finally {
      dir.cleanup();
    }
  });
});
