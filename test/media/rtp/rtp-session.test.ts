// RtpSession on loopback: media exchange and statistics (RFC 3550 A.3/A.8), RTCP reports, and
// close() (BYE, ports released). Latching and hostile input are in rtp-session-latch.test.ts.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RtcpCompound, type RtcpPacket, type RtcpReceiverReport } from '../../../src/media/rtp/rtcp-packet.js';
import type { RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import type { RtpSession } from '../../../src/media/rtp/rtp-session.js';
import { rtp, sendRaw, waitFor } from './helpers.js';
import { RTP_PATHS, type RtpPath } from './paths.js';
import { Fixtures } from './session-fixtures.js';

/**
 * Sends n packets in bursts of 25, waiting after each burst until `to` has them all (when given):
 * on a loaded host a 1000-datagram burst overflows the receive buffer (RcvbufErrors in
 * /proc/net/snmp), which is the kernel dropping, not the session losing.
 */
async function burst(s: RtpSession, n: number, to?: RtpSession, step = 160): Promise<void> {
  const base = to?.stats().packetsIn ?? 0;
  for (let i = 0; i < n; i++) {
    s.send(Buffer.alloc(160, i & 0xff), { payloadType: 0, timestampStep: step, marker: i === 0 });
    if (i % 25 === 24 || i === n - 1) {
      if (to) await waitFor(() => to.stats().packetsIn >= base + i + 1, `packet ${i + 1} of ${n}`);
      else await sleep(1);
    }
  }
}

function suite(path: RtpPath): void {
  const fx = new Fixtures(path);
  afterEach(() => fx.cleanup());

  describe('RtpSession media exchange', () => {
    it('two sessions exchange 500 packets each: 0 lost, sequence and timestamp wrap handled', async () => {
      const [a, b] = await fx.pair(
        { initial: { ssrc: 0xaaaa0001, sequence: 65_400, timestamp: 2 ** 32 - 1000 } },
        { initial: { ssrc: 0xbbbb0002 } },
      );
      const atB: RtpPacket[] = [];
      b.onPacket((p) => atB.push(p));
      await Promise.all([burst(a, 500, b), burst(b, 500, a)]);

      for (const [s, peer] of [[a, b], [b, a]] as const) {
        const st = s.stats();
        assert.equal(st.packetsOut, 500);
        assert.equal(st.bytesIn, 500 * 160);
        assert.equal(st.expected, 500);
        assert.equal(st.lost, 0);
        assert.equal(st.remoteSsrc, peer.ssrc);
        assert.equal(st.droppedInvalid + st.droppedWrongSource + st.droppedSeqJump, 0);
        assert.equal(st.latched?.via, 'sdp');
      }
      assert.deepEqual(atB.map((p) => p.sequenceNumber), Array.from({ length: 500 }, (_, i) => (65_400 + i) % 65_536));
      assert.equal(atB[0]?.marker, true);
      assert.equal(atB[499]?.timestamp, (2 ** 32 - 1000 + 499 * 160) % 2 ** 32);
      assert.equal(b.stats().highestSequence, 65_400 + 499); // one cycle: 65536 + 363

      // RTCP: A's SR reaches B; B's SR carries a report block on A with LSR/DLSR → A gets an RTT.
      a.sendReport();
      await waitFor(() => b.stats().peerSender !== undefined, 'SR from A');
      assert.equal(b.stats().peerSender?.packetCount, 500);
      assert.equal(b.stats().peerSender?.octetCount, 500 * 160);
      b.sendReport();
      await waitFor(() => a.stats().peer !== undefined, 'report from B');
      const peer = a.stats().peer!;
      assert.equal(peer.cumulativeLost, 0);
      assert.equal(peer.fractionLost, 0);
      assert.equal(peer.highestSequence, 65_899);
      assert.ok(peer.rttMs !== undefined && peer.rttMs >= 0 && peer.rttMs < 1000, `rtt ${peer.rttMs}`);
    });

    it('sends a range of a larger buffer (a frame of an encoded prompt); a range outside it throws, sends nothing', async () => {
      const [a, b] = await fx.pair();
      const got: string[] = [];
      b.onPacket((p) => got.push(Buffer.from(p.payload).toString('hex'))); // payloads are views: copy
      const prompt = Buffer.from(Array.from({ length: 480 }, (_, i) => (i * 7) & 0xff));
      for (let at = 0; at < 480; at += 160) a.send(prompt, { payloadType: 8, timestampStep: 160 }, at, 160);
      await waitFor(() => got.length === 3, 'three frames');
      assert.deepEqual(got, [0, 160, 320].map((at) => prompt.subarray(at, at + 160).toString('hex')));
      for (const [offset, length] of [[400, 160], [-1, 10], [0, 481], [1.5, 10]] as const) {
        assert.throws(() => a.send(prompt, { payloadType: 8, timestampStep: 160 }, offset, length), { name: 'MediaPacketError' });
      }
      assert.throws(() => a.send(prompt, { payloadType: 200, timestampStep: 160 }, 0, 160), { name: 'MediaPacketError' });
      assert.equal(a.stats().packetsOut, 3);
      // Nothing half-written went out with the next packet's batch: it arrives alone and intact.
      a.send(prompt, { payloadType: 8, timestampStep: 160 }, 160, 160);
      await waitFor(() => got.length === 4, 'the fourth frame');
      assert.equal(got[3], prompt.subarray(160, 320).toString('hex'));
      assert.equal(b.stats().droppedInvalid, 0);
      assert.equal(b.stats().packetsIn, 4);
    });

    it('onPayload: the header read in place and the payload inside the datagram; a throwing handler is counted', async () => {
      const [a, b] = await fx.pair({ initial: { ssrc: 0x0a0b0c0d, sequence: 65_535, timestamp: 2 ** 32 - 80 } });
      const got: string[] = [];
      const off = b.onPayload((h, datagram) => {
        got.push(`${h.marker} ${h.payloadType} ${h.sequenceNumber} ${h.timestamp} ${h.ssrc.toString(16)} ${datagram.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength).toString('hex')}`);
        if (got.length === 2) throw new Error('a handler bug');
      });
      for (let i = 0; i < 3; i++) a.send(Buffer.alloc(4, i + 1), { payloadType: 8, timestampStep: 160, marker: i === 0 });
      await waitFor(() => got.length === 3, 'three packets');
      assert.deepEqual(got, ['true 8 65535 4294967216 a0b0c0d 01010101', 'false 8 0 80 a0b0c0d 02020202', 'false 8 1 240 a0b0c0d 03030303']);
      assert.equal(b.stats().listenerErrors, 1);
      assert.equal(b.stats().packetsIn, 3);
      off();
      a.send(Buffer.alloc(4), { payloadType: 8, timestampStep: 160 });
      await waitFor(() => b.stats().packetsIn === 4, 'the fourth packet');
      assert.equal(got.length, 3, 'no handler after unsubscribing');
    });

    it('computes loss from skipped sequence numbers and reports it in an RR', async () => {
      const peer = await fx.raw();
      const peerRtcp = await fx.raw();
      const s = fx.session(await fx.ports(), { address: '127.0.0.1', port: peer.address().port, rtcpPort: peerRtcp.address().port });
      const skipped = new Set([3, 10, 11, 50, 99]);
      for (let seq = 0; seq < 100; seq++) if (!skipped.has(seq)) await sendRaw(peer, rtp(seq, seq * 160), s.localPort);
      await sendRaw(peer, rtp(100, 100 * 160), s.localPort);
      await waitFor(() => s.stats().packetsIn === 96, '96 packets');
      assert.equal(s.stats().expected, 101);
      assert.equal(s.stats().lost, 5);

      const got = new Promise<RtcpPacket[]>((resolve) => peerRtcp.once('message', (m: Buffer) => resolve(RtcpCompound.deSerialize(m).packets)));
      s.sendReport();
      const [rr, sdes] = await got;
      assert.equal(rr?.kind, 'rr', 'receive-only: RR, not SR');
      const block = (rr as RtcpReceiverReport).reports[0]!;
      assert.equal(block.ssrc, 0x11223344);
      assert.equal(block.cumulativeLost, 5);
      assert.equal(block.fractionLost, Math.floor((5 * 256) / 101));
      assert.equal(block.highestSequence, 100);
      assert.equal(sdes?.kind, 'sdes');
    });

    it('measures jitter from arrival-time variation (test clock)', async () => {
      let now = 0;
      const peer = await fx.raw();
      const s = fx.session(await fx.ports(), { address: '127.0.0.1', port: peer.address().port }, { now: () => now });
      for (let i = 0; i < 50; i++) {
        now = 20 * i + (i % 2 ? 10 : 0); // every other packet 10 ms late
        await sendRaw(peer, rtp(i, 160 * i), s.localPort);
        await waitFor(() => s.stats().packetsIn === i + 1, `packet ${i}`);
      }
      const expected = 10 * (1 - (15 / 16) ** 49);
      assert.ok(Math.abs(s.stats().jitterMs - expected) < 1e-6, `jitter ${s.stats().jitterMs} ms, expected ${expected}`);
    });

    it('sends periodic RTCP: SR while sending, RR while only receiving', async () => {
      const [a, b] = await fx.pair({ rtcpIntervalMs: 30 }, { rtcpIntervalMs: 30 });
      const fromB: string[] = [];
      a.onRtcp((c) => fromB.push(c.packets[0]!.kind));
      await burst(a, 20);
      await waitFor(() => b.stats().rtcpIn >= 2 && fromB.length >= 2, 'reports both ways', 2000);
      assert.ok(fromB.every((k) => k === 'rr'), `B only receives: ${fromB.join()}`);
      assert.equal(b.stats().peerSender?.packetCount, 20);
    });

    it('multiplexes RTCP on the RTP port (RFC 5761)', async () => {
      const [a, b] = await fx.pair({ rtcpMux: true }, { rtcpMux: true });
      await burst(a, 10, b);
      a.sendReport();
      await waitFor(() => b.stats().rtcpIn === 1 && b.stats().packetsIn === 10, 'muxed RTCP');
      assert.equal(b.stats().droppedInvalid, 0);
    });
  });

  describe('RtpSession close', () => {
    it('sends BYE, frees both ports for a new bind, is idempotent', async () => {
      const [a, b] = await fx.pair();
      const byes: Array<string | undefined> = [];
      b.onBye((reason) => byes.push(reason));
      const before = fx.allocator.inUse;
      await burst(a, 5);
      a.close('hang-up');
      a.close();
      assert.equal(a.send(Buffer.alloc(1), { payloadType: 0, timestampStep: 160 }), false);
      await a.closed;
      assert.equal(fx.allocator.inUse, before - 1);
      await waitFor(() => byes.length === 1, 'BYE at B');
      assert.deepEqual(byes, ['hang-up']);
      assert.equal(b.stats().byeReceived, true);
      for (const port of [a.localPort, a.localPort + 1]) {
        const sock = createSocket('udp4');
        await new Promise<void>((resolve, reject) => {
          sock.once('error', reject);
          sock.bind(port, '127.0.0.1', () => resolve());
        });
        await new Promise<void>((resolve) => sock.close(() => resolve()));
      }
    });

    it('releases the ports at once when there is nowhere to send BYE', async () => {
      const s = fx.session(await fx.ports(), { address: '0.0.0.0', port: 0 });
      s.close();
      await s.closed;
    });
  });
}

for (const path of RTP_PATHS) describe(`over ${path.name}`, { skip: path.skip }, () => suite(path));
