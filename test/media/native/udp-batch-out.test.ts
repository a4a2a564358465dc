// The batched native RTP sender (src/media/native/udp-batch-out.ts) against dgram's send(): the
// same sessions, sending the same packets, must put the same datagrams on the wire, in the same
// order, to the same (latched) destinations, and count the same send errors. The native case is
// skipped, saying why, when native/udp is not built or OPENUM_NATIVE=0.
import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { BatchedUdpOut } from '../../../src/media/native/udp-batch-out.js';
import { loadUdpAddon } from '../../../src/media/native/udp.js';
import type { DatagramOut } from '../../../src/media/rtp/datagram-out.js';
import { RtpSession } from '../../../src/media/rtp/rtp-session.js';
import { allocate, bindRaw, closeRaw, rtp, sendRaw, waitFor } from '../rtp/helpers.js';

const SERVER = '127.0.151.1';
const PEER = '127.0.151.2';
const native = loadUdpAddon();
const skipNative = native.addon ? false : `native/udp is not loaded (${native.why}); only the JS path runs`;

function collect(s: Socket): Buffer[] {
  const got: Buffer[] = [];
  s.on('message', (m: Buffer) => got.push(Buffer.from(m)));
  return got;
}

function session(ports: Awaited<ReturnType<typeof allocate>>, remote: { address: string; port: number }, ssrc: number, out: DatagramOut | undefined) {
  return new RtpSession({ ports, remote, rtcpIntervalMs: 0, initial: { ssrc, sequence: 65530, timestamp: 0xfffff000 }, now: () => 0, ...(out ? { out } : {}) });
}

/**
 * Two sessions to two peers; each turn the first sends three packets (a run on one socket:
 * sendmmsg) and the second one (sendto), then the event loop turns. Returns what each peer got.
 */
async function exchange(out: DatagramOut | undefined): Promise<{ a: Buffer[]; b: Buffer[] }> {
  const [pa, pb, ra, rb] = [await allocate(SERVER), await allocate(SERVER), await bindRaw(PEER), await bindRaw(PEER)];
  const a = session(pa, { address: PEER, port: ra.address().port }, 0x0a0a0a0a, out);
  const b = session(pb, { address: PEER, port: rb.address().port }, 0x0b0b0b0b, out);
  const got = { a: collect(ra), b: collect(rb) };
  try {
    for (let t = 0; t < 20; t++) {
      for (let k = 0; k < 3; k++) a.send(Buffer.alloc(160, t * 3 + k), { payloadType: 8, timestampStep: 160, marker: t === 0 && k === 0 });
      b.send(Buffer.alloc(80, 200 + t), { payloadType: 0, timestampStep: 80 });
      await turn();
    }
    await waitFor(() => got.a.length === 60 && got.b.length === 20, 'every packet');
    assert.equal(a.stats().packetsOut, 60);
    assert.equal(a.stats().sendErrors + b.stats().sendErrors, 0);
    return got;
  } finally {
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed, closeRaw(ra), closeRaw(rb)]);
  }
}

describe('batched native RTP sending (native/udp)', () => {
  it('puts the same datagrams on the wire as dgram, in order (sequence and timestamp wrapping)', { skip: skipNative }, async () => {
    const js = await exchange(undefined);
    const out = new BatchedUdpOut(native.addon!);
    const batched = await exchange(out);
    assert.deepEqual(batched.a.map((b) => b.toString('hex')), js.a.map((b) => b.toString('hex')));
    assert.deepEqual(batched.b.map((b) => b.toString('hex')), js.b.map((b) => b.toString('hex')));
    assert.equal(js.a[6]!.readUInt16BE(2), 0, 'the sequence number wrapped within the run');
    assert.equal(out.packets, 80);
    assert.ok(out.batches <= 20, `one native call per turn, not per packet (${out.batches})`);
  });

  it('sends to the source it latched onto when the SDP gave no address (RFC 4961 symmetric RTP)', { skip: skipNative }, async () => {
    const out = new BatchedUdpOut(native.addon!);
    const [ports, peer] = [await allocate(SERVER), await bindRaw(PEER)];
    const s = session(ports, { address: '0.0.0.0', port: 0 }, 0x0c0c0c0c, out);
    const got = collect(peer);
    try {
      assert.equal(s.send(Buffer.alloc(160), { payloadType: 0, timestampStep: 160 }), false, 'nowhere to send before latching');
      await sendRaw(peer, rtp(1, 160), ports.port, SERVER);
      await waitFor(() => s.stats().latched !== undefined, 'the latch');
      assert.equal(s.send(Buffer.alloc(160, 7), { payloadType: 0, timestampStep: 160 }), true);
      await waitFor(() => got.length === 1, 'the packet at the latched source');
      assert.equal(got[0]!.length, 172);
      assert.equal(out.packets, 1);
    } finally {
      s.close();
      await Promise.all([s.closed, closeRaw(peer)]);
    }
  });

  it('refuses a batch that describes bytes outside its arena, sending nothing', { skip: skipNative }, () => {
    const results = new Int32Array(1);
    // fd 999999 is no descriptor: were the check missing, sendto() would fail with EBADF, not throw.
    const desc = new Int32Array([999999, 8, 16, 5004, 0x7f000001]);
    assert.throws(() => native.addon!.sendBatch(Buffer.alloc(16), desc, 1, results), TypeError);
    assert.throws(() => native.addon!.sendBatch(Buffer.alloc(16), desc, 2, new Int32Array(2)), TypeError, 'count beyond desc');
    assert.equal(native.addon!.sendBatch(Buffer.alloc(24), desc, 1, results), 1, 'in range: sent and failed');
    assert.equal(results[0], 9, 'EBADF');
  });

  for (const path of ['dgram', 'native'] as const) {
    it(`counts a packet the kernel refuses in sendErrors (${path})`, { skip: path === 'native' && skipNative }, async () => {
      const out = path === 'native' ? new BatchedUdpOut(native.addon!) : undefined;
      const [ports, peer] = [await allocate(SERVER), await bindRaw(PEER)];
      const s = session(ports, { address: PEER, port: peer.address().port }, 0x0d0d0d0d, out);
      try {
        // Larger than any UDP datagram can be: EMSGSIZE from sendto() on either path.
        s.send(Buffer.alloc(70_000), { payloadType: 0, timestampStep: 160 });
        s.send(Buffer.alloc(160), { payloadType: 0, timestampStep: 160 });
        await waitFor(() => s.stats().sendErrors === 1, 'the refused packet counted');
        await turn();
        assert.equal(s.stats().sendErrors, 1, 'only the refused one');
      } finally {
        s.close();
        await Promise.all([s.closed, closeRaw(peer)]);
      }
    });
  }
});
