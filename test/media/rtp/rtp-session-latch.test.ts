// RtpSession: symmetric RTP latching (RFC 4961 + "latches once, only to the address in the SDP or
// the first valid packet"), hostile datagrams, throwing listeners, and the SRTP transform hook.
import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { afterEach, describe, it } from 'node:test';
import { RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import type { RtpTransform } from '../../../src/media/rtp/transform.js';
import { rtp, sendRaw, waitFor } from './helpers.js';
import { RTP_PATHS, type RtpPath } from './paths.js';
import { Fixtures } from './session-fixtures.js';

function collect(sock: Socket): Buffer[] {
  const got: Buffer[] = [];
  sock.on('message', (m: Buffer) => got.push(m));
  return got;
}

const audio = { payloadType: 0, timestampStep: 160 };

function suite(path: RtpPath): void {
  const fx = new Fixtures(path);
  afterEach(() => fx.cleanup());

  describe('RtpSession latching', () => {
    it('after latching on the SDP peer, drops valid RTP from another address or port and counts it', async () => {
      const [a, b] = await fx.pair();
      a.send(Buffer.alloc(160), audio);
      await waitFor(() => b.stats().packetsIn === 1, 'first packet');
      assert.deepEqual(b.stats().latched, { address: '127.0.0.1', port: a.localPort, via: 'sdp' });

      const intruder = await fx.raw('127.0.0.2');
      const samePortElsewhere = await fx.raw('127.0.0.1');
      const heard = collect(intruder);
      const forged = new RtpPacket({ payloadType: 0, sequenceNumber: 2, timestamp: 320, ssrc: a.ssrc, payload: Buffer.alloc(160) }).serialize();
      await sendRaw(intruder, forged, b.localPort);
      await sendRaw(samePortElsewhere, forged, b.localPort);
      await waitFor(() => b.stats().droppedWrongSource === 2, 'two drops');
      assert.equal(b.stats().packetsIn, 1);

      b.send(Buffer.alloc(160), audio); // still goes to A, not to whoever sent last
      await waitFor(() => a.stats().packetsIn === 1, 'reply at A');
      assert.equal(heard.length, 0);
    });

    it('with SDP address 0.0.0.0, sends nothing until the first valid packet latches', async () => {
      const s = fx.session(await fx.ports(), { address: '0.0.0.0', port: 0 });
      assert.equal(s.send(Buffer.alloc(160), audio), false);
      assert.equal(s.stats().notSent, 1);

      const garbage = await fx.raw('127.0.0.3');
      await sendRaw(garbage, Buffer.from('not rtp at all'), s.localPort);
      await waitFor(() => s.stats().droppedInvalid === 1, 'invalid dropped');
      assert.equal(s.stats().latched, undefined, 'an invalid packet does not latch');

      const peer = await fx.raw('127.0.0.2');
      const heard = collect(peer);
      await sendRaw(peer, rtp(1, 160), s.localPort);
      await waitFor(() => s.stats().packetsIn === 1, 'first packet');
      assert.deepEqual(s.stats().latched, { address: '127.0.0.2', port: peer.address().port, via: 'first-packet' });

      assert.equal(s.send(Buffer.from('hi'), audio), true);
      await waitFor(() => heard.length === 1, 'reply at the latched source');
      assert.equal(RtpPacket.deSerialize(heard[0]!).ssrc, s.ssrc);

      const other = await fx.raw('127.0.0.1');
      await sendRaw(other, rtp(2, 320), s.localPort);
      await waitFor(() => s.stats().droppedWrongSource === 1, 'drop after latching');
    });

    it('behind a NAT (first packet not from the SDP address) latches on the first valid packet', async () => {
      const sdpPeer = await fx.raw('127.0.0.1');
      const natted = await fx.raw('127.0.0.2');
      const s = fx.session(await fx.ports(), { address: '127.0.0.1', port: sdpPeer.address().port });
      await sendRaw(natted, rtp(1, 160), s.localPort);
      await waitFor(() => s.stats().latched !== undefined, 'latch');
      assert.equal(s.stats().latched?.via, 'first-packet');
      await sendRaw(sdpPeer, rtp(2, 320), s.localPort);
      await waitFor(() => s.stats().droppedWrongSource === 1, 'latched once');
    });
  });

  describe('RtpSession hostile input', () => {
    it('drops and counts malformed, truncated and oversized datagrams, then carries on', async () => {
      const peer = await fx.raw();
      const s = fx.session(await fx.ports(), { address: '127.0.0.1', port: peer.address().port });
      const got: number[] = [];
      s.onPacket((p) => got.push(p.sequenceNumber));
      await sendRaw(peer, rtp(1, 160), s.localPort); // latch first, so every later drop is for validity
      const valid = rtp(2, 320);
      const bad = [
        Buffer.alloc(0), valid.subarray(0, 11), Buffer.from(valid).fill(0x40, 0, 1),
        Buffer.concat([Buffer.from([0x8f]), valid.subarray(1, 12)]), // 15 CSRCs, none present
        Buffer.concat([Buffer.from([0xa0]), valid.subarray(1, 12), Buffer.from([0, 0, 0, 200])]), // padding 200 > 4
        Buffer.concat([Buffer.from([0x90]), valid.subarray(1, 12), Buffer.from([0, 0, 0xff, 0xff])]), // extension overflow
      ];
      for (const b of bad) await sendRaw(peer, b, s.localPort);
      await sendRaw(peer, Buffer.alloc(2000, 0x80), s.localPort); // oversized
      await sendRaw(peer, Buffer.alloc(65_000, 0x80), s.localPort);
      await sendRaw(peer, Buffer.from([0x80, 0xc9, 0xff, 0xff]), s.localPort + 1); // RTCP length overflow
      await sendRaw(peer, valid, s.localPort);
      await waitFor(() => got.length === 2 && s.stats().droppedInvalid === bad.length + 3, 'drops then the valid packet');
      assert.equal(s.stats().droppedOversized, 2);
      assert.deepEqual(got, [1, 2]);
    });

    it('a throwing listener is counted and does not stop the others or the session', async () => {
      const [a, b] = await fx.pair();
      const seen: number[] = [];
      b.onPacket(() => {
        throw new Error('listener bug');
      });
      const off = b.onPacket((p) => seen.push(p.sequenceNumber));
      a.send(Buffer.alloc(160), audio);
      a.send(Buffer.alloc(160), audio);
      await waitFor(() => seen.length === 2, 'both packets');
      assert.equal(b.stats().listenerErrors, 2);
      off();
      a.send(Buffer.alloc(160), audio);
      await waitFor(() => b.stats().packetsIn === 3, 'third packet');
      assert.equal(seen.length, 2, 'unsubscribed');
    });

    it('restarts statistics when the remote SSRC changes', async () => {
      const peer = await fx.raw();
      const s = fx.session(await fx.ports(), { address: '127.0.0.1', port: peer.address().port });
      for (let i = 0; i < 10; i++) await sendRaw(peer, rtp(i, i * 160, 1), s.localPort);
      for (let i = 0; i < 5; i++) await sendRaw(peer, rtp(40_000 + i, i * 160, 2), s.localPort);
      await waitFor(() => s.stats().packetsIn === 15, 'both streams');
      assert.equal(s.stats().remoteSsrc, 2);
      assert.equal(s.stats().expected, 5);
      assert.equal(s.stats().lost, 0);
    });
  });

  /** A stand-in for SRTP: XOR the bytes and append a 4-octet tag that unprotect checks. */
  function fakeSrtp(key: number): RtpTransform {
    const tag = Buffer.from([key, key, key, key]);
    const seal = (p: Buffer): Buffer => Buffer.concat([Buffer.from(p.map((x, i) => (i < 12 ? x : x ^ key))), tag]);
    const open = (p: Buffer): Buffer | undefined => {
      if (p.length < 16 || !p.subarray(-4).equals(tag)) return undefined;
      return Buffer.from(p.subarray(0, -4).map((x, i) => (i < 12 ? x : x ^ key)));
    };
    return { protect: seal, protectRtcp: seal, unprotect: open, unprotectRtcp: open };
  }

  describe('RtpSession transform hook (for SRTP)', () => {
    it('protects and unprotects RTP and RTCP; unauthenticated packets are dropped and do not latch', async () => {
      const [a, b] = await fx.pair({ transform: fakeSrtp(0x5a) }, { transform: fakeSrtp(0x5a) });
      const intruder = await fx.raw('127.0.0.2');
      await sendRaw(intruder, rtp(1, 160), b.localPort); // plain RTP: fails "authentication"
      await waitFor(() => b.stats().droppedAuth === 1, 'auth drop');
      assert.equal(b.stats().latched, undefined);

      const payloads: string[] = [];
      b.onPacket((p) => payloads.push(p.payload.toString()));
      a.send(Buffer.from('secret'), audio);
      await waitFor(() => payloads.length === 1, 'protected packet');
      assert.deepEqual(payloads, ['secret']);
      assert.equal(b.stats().latched?.port, a.localPort);

      a.sendReport();
      await waitFor(() => b.stats().rtcpIn === 1, 'protected RTCP');
      assert.equal(b.stats().peerSender?.packetCount, 1);
    });

    it('drops when unprotect throws (never fails open)', async () => {
      const t: RtpTransform = { ...fakeSrtp(1), unprotect: () => { throw new Error('crypto bug'); } };
      const [a, b] = await fx.pair({}, { transform: t });
      a.send(Buffer.alloc(10), audio);
      await waitFor(() => b.stats().droppedAuth === 1, 'drop');
      assert.equal(b.stats().packetsIn, 0);
    });
  });
}

for (const path of RTP_PATHS) describe(`over ${path.name}`, { skip: path.skip }, () => suite(path));
