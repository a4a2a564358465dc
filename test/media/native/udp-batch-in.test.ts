// The batched native receive (native/udp: openUdp4, closeUdp, recvBatch; and BatchedUdpIn in
// src/media/native/udp-batch-in.ts): what a read gives for each datagram (socket, bytes, source,
// the kernel's arrival time), how it bounds itself (slot, arena, descriptors), what it refuses,
// and how the receiver hands datagrams to sessions. The sessions over this path are tested in
// test/media/rtp/ (RTP_PATHS) and test/media/thread-media-host.test.ts. Skipped, saying why, when
// native/udp is not built or OPENUM_NATIVE=0.
import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { MediaClock } from '../../../src/media/media-clock.js';
import { PortAllocator } from '../../../src/media/port-allocator.js';
import { BatchedUdpOut } from '../../../src/media/native/udp-batch-out.js';
import { isPolled } from '../../../src/media/rtp/datagram-in.js';
import { RtpSession } from '../../../src/media/rtp/rtp-session.js';
import { intToIpv4, ipv4ToInt } from '../../../src/media/native/ipv4.js';
import { BatchedUdpIn, RECV_SLOT } from '../../../src/media/native/udp-batch-in.js';
import { loadUdpRecvAddon, UDP_RECV_FIELDS as F, type UdpRecvAddon } from '../../../src/media/native/udp.js';
import type { DatagramSink } from '../../../src/media/rtp/datagram-in.js';
import { bindRaw, closeRaw, sendRaw, waitFor } from '../rtp/helpers.js';

const SERVER = '127.0.170.1';
const PEER = '127.0.170.2';
const EBADF = 9;
const EADDRINUSE = 98;
const loaded = loadUdpRecvAddon({});
const skip = loaded.addon ? false : `native/udp receive is not loaded (${loaded.why})`;
const addon = loaded.addon as UdpRecvAddon;

/** A native socket on SERVER at a free port of 41000-41999. */
function openAny(): { fd: number; port: number } {
  for (let i = 0; i < 200; i++) {
    const port = 41000 + Math.floor(Math.random() * 1000);
    const fd = addon.openUdp4(ipv4ToInt(SERVER)!, port);
    if (fd >= 0) return { fd, port };
  }
  throw new Error('no free port');
}

function read(fds: number[], from = 0, to = fds.length, arena = Buffer.alloc(64 * 1024), desc = new Int32Array(64 * F)) {
  const state = new Int32Array(1);
  const count = addon.recvBatch(Int32Array.from(fds), from, to, arena, RECV_SLOT, desc, state);
  const got = Array.from({ length: count }, (_, i) => {
    const d = desc.subarray(i * F, i * F + F);
    return { index: d[0]!, bytes: arena.subarray(d[1]!, d[1]! + Math.min(d[2]!, RECV_SLOT)), length: d[2]!, port: d[3]!, ip: d[4]!, ageUs: d[5]! };
  });
  return { got, next: state[0]! };
}

describe('native/udp recvBatch', { skip }, () => {
  const open: number[] = [];
  const raws: Socket[] = [];
  const socket = () => {
    const s = openAny();
    open.push(s.fd);
    return s;
  };
  const peer = async () => {
    const r = await bindRaw(PEER);
    raws.push(r);
    return r;
  };
  after(async () => {
    for (const fd of open) addon.closeUdp(fd);
    await Promise.all(raws.map(closeRaw));
  });

  it('reads every socket in one call: bytes, length, source and the kernel\'s arrival time, in order', async () => {
    const [a, b, p] = [socket(), socket(), await peer()];
    const sent = [Buffer.alloc(10, 1), Buffer.alloc(172, 2), Buffer.alloc(1400, 3)];
    const before = Date.now();
    for (const m of sent) await sendRaw(p, m, a.port, SERVER);
    await sendRaw(p, Buffer.from('to b'), b.port, SERVER);
    const elapsedUs = (Date.now() - before + 1) * 1000;
    const { got, next } = read([a.fd, b.fd]);
    assert.equal(next, 2, 'both sockets drained');
    assert.deepEqual(got.map((g) => [g.index, g.length]), [[0, 10], [0, 172], [0, 1400], [1, 4]]);
    assert.deepEqual(got.slice(0, 3).map((g) => Buffer.from(g.bytes)), sent);
    assert.equal(got[3]!.bytes.toString(), 'to b');
    for (const g of got) {
      assert.equal(intToIpv4(g.ip), PEER);
      assert.equal(g.port, p.address().port);
      assert.ok(g.ageUs >= 0 && g.ageUs <= elapsedUs + 1_000_000, `age ${g.ageUs} µs`);
    }
    assert.equal(read([a.fd, b.fd]).got.length, 0, 'nothing left');
  });

  it('cuts a datagram longer than the slot and still gives its real length', async () => {
    const [a, p] = [socket(), await peer()];
    await sendRaw(p, Buffer.alloc(3000, 7), a.port, SERVER);
    const { got } = read([a.fd]);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.length, 3000);
    assert.equal(got[0]!.bytes.length, RECV_SLOT);
  });

  it('stops when the descriptors or the arena run out, and says where to go on', async () => {
    const [a, b, p] = [socket(), socket(), await peer()];
    for (let i = 0; i < 5; i++) await sendRaw(p, Buffer.from([i]), a.port, SERVER);
    await sendRaw(p, Buffer.from([9]), b.port, SERVER);
    const first = read([a.fd, b.fd], 0, 2, Buffer.alloc(64 * 1024), new Int32Array(2 * F));
    assert.deepEqual(first.got.map((g) => g.bytes[0]), [0, 1]);
    assert.equal(first.next, 0, 'socket a may hold more');
    const small = read([a.fd, b.fd], 0, 2, Buffer.alloc(2 * RECV_SLOT));
    assert.ok(small.got.length >= 1 && small.got.length <= 2, `an arena of two slots: ${small.got.length}`);
    const rest = read([a.fd, b.fd], small.next, 2);
    assert.deepEqual([...small.got, ...rest.got].map((g) => g.bytes[0]), [2, 3, 4, 9]);
    assert.equal(rest.next, 2);
  });

  it('skips free entries (-1) and never reads a descriptor it did not open', () => {
    const { got } = read([-1, 0, 2]); // stdin and stderr
    assert.deepEqual(got.map((g) => [g.index, g.length]), [[1, -EBADF], [2, -EBADF]]);
  });

  it('opens, refuses a port in use, closes once, and closes nothing it did not open', () => {
    const a = openAny();
    assert.equal(addon.openUdp4(ipv4ToInt(SERVER)!, a.port), -EADDRINUSE);
    assert.equal(addon.closeUdp(a.fd), 0);
    assert.equal(addon.closeUdp(a.fd), -EBADF, 'already closed');
    assert.equal(addon.closeUdp(0), -EBADF, 'stdin is not ours');
    assert.equal(addon.closeUdp(-5), -EBADF);
  });

  it('throws TypeError for every malformed argument, and reads nothing', () => {
    const fds = new Int32Array(2).fill(-1);
    const arena = Buffer.alloc(8192);
    const desc = new Int32Array(4 * F);
    const state = new Int32Array(1);
    const bad: [string, () => unknown][] = [
      ['no arguments', () => (addon.recvBatch as unknown as () => number)()],
      ['fds not an Int32Array', () => addon.recvBatch(new Uint32Array(2) as unknown as Int32Array, 0, 2, arena, RECV_SLOT, desc, state)],
      ['from after to', () => addon.recvBatch(fds, 2, 1, arena, RECV_SLOT, desc, state)],
      ['to past fds', () => addon.recvBatch(fds, 0, 3, arena, RECV_SLOT, desc, state)],
      ['negative from', () => addon.recvBatch(fds, -1, 2, arena, RECV_SLOT, desc, state)],
      ['arena not bytes', () => addon.recvBatch(fds, 0, 2, desc as unknown as Buffer, RECV_SLOT, desc, state)],
      ['slot too small', () => addon.recvBatch(fds, 0, 2, arena, 8, desc, state)],
      ['slot larger than the arena', () => addon.recvBatch(fds, 0, 2, Buffer.alloc(100), RECV_SLOT, desc, state)],
      ['state empty', () => addon.recvBatch(fds, 0, 2, arena, RECV_SLOT, desc, new Int32Array(0))],
      ['desc a Float64Array', () => addon.recvBatch(fds, 0, 2, arena, RECV_SLOT, new Float64Array(8) as unknown as Int32Array, state)],
      ['open: port out of range', () => addon.openUdp4(0x7f000001, 70000)],
      ['open: address a string', () => addon.openUdp4('127.0.0.1' as unknown as number, 5000)],
      ['close: fd a string', () => addon.closeUdp('3' as unknown as number)],
    ];
    for (const [what, call] of bad) assert.throws(call, TypeError, what);
  });
});

/** A receiver's socket on SERVER at a free port of 42000-42999. */
function openOn(rx: BatchedUdpIn): { socket: NonNullable<ReturnType<BatchedUdpIn['open']>>; port: number } {
  for (let i = 0; i < 200; i++) {
    const port = 42000 + Math.floor(Math.random() * 1000);
    const socket = rx.open(SERVER, port);
    if (socket) return { socket, port };
  }
  throw new Error('no free port');
}

describe('BatchedUdpIn', { skip }, () => {
  const sink = (got: string[]): DatagramSink => ({
    datagram: (buf, offset, length) => void got.push(buf.toString('utf8', offset, offset + length)),
    oversized: () => void got.push('oversized'),
    error: () => void got.push('error'),
  });

  it('drops what arrived before attach, then delivers on the clock\'s ticks with the kernel\'s time', async () => {
    const clock = new MediaClock();
    const rx = new BatchedUdpIn(addon, clock);
    const p = await bindRaw(PEER);
    const { socket: s, port } = openOn(rx);
    try {
      assert.equal(clock.subscribers, 1, 'the receiver polls while it has a socket');
      const got: string[] = [];
      const times: number[] = [];
      await sendRaw(p, Buffer.from('early'), port, SERVER);
      s.attach({ ...sink(got), datagram: (buf, offset, length, _from, at) => { got.push(buf.toString('utf8', offset, offset + length)); times.push(at); } });
      const sentAt = performance.now();
      await sendRaw(p, Buffer.from('late'), port, SERVER);
      await sendRaw(p, Buffer.alloc(5000), port, SERVER);
      await waitFor(() => got.length === 2, 'the datagrams after attach');
      assert.deepEqual(got, ['late', 'oversized']);
      assert.ok(times[0]! >= sentAt - 1 && times[0]! <= performance.now(), `arrival ${times[0]} after the send at ${sentAt}`);
    } finally {
      s.close();
      await closeRaw(p);
    }
    assert.equal(clock.subscribers, 0, 'no socket: the clock is left alone');
    assert.equal(rx.sockets, 0);
  });

  it('a socket closed during a batch gets nothing more, and its slot is not reused within the batch', async () => {
    const rx = new BatchedUdpIn(addon, new MediaClock());
    const p = await bindRaw(PEER);
    const [a, b] = [openOn(rx), openOn(rx)];
    const atB: string[] = [];
    const atC: string[] = [];
    let c: ReturnType<typeof openOn> | undefined;
    a.socket.attach({
      ...sink([]),
      datagram: () => {
        if (c) return;
        b.socket.close(); // b's datagram comes later in this same batch
        c = openOn(rx);
        c.socket.attach(sink(atC));
      },
    });
    b.socket.attach(sink(atB));
    try {
      await sendRaw(p, Buffer.from('to a'), a.port, SERVER);
      await sendRaw(p, Buffer.from('to b'), b.port, SERVER);
      rx.poll();
      assert.ok(c, 'a got its datagram');
      assert.deepEqual(atB, [], 'b was closed before its turn');
      assert.deepEqual(atC, [], 'c, opened meanwhile, did not get b\'s datagram');
      await sendRaw(p, Buffer.from('to c'), c.port, SERVER);
      rx.poll();
      assert.deepEqual(atC, ['to c']);
    } finally {
      a.socket.close();
      c?.socket.close();
      await closeRaw(p);
    }
    assert.equal(rx.sockets, 0);
  });

  it('IPv4 RTP gets the addon\'s socket; IPv6 RTP stays on node:dgram and still carries media', async () => {
    const rx = new BatchedUdpIn(addon, new MediaClock());
    const ports = new PortAllocator({ min: 43000, max: 43999 }, rx);
    const v4 = await ports.allocate(SERVER);
    const [a, b] = [await ports.allocate('::1'), await ports.allocate('::1')];
    const out = new BatchedUdpOut(addon);
    const sa = new RtpSession({ ports: a, remote: { address: '::1', port: b.port }, rtcpIntervalMs: 0, out });
    const sb = new RtpSession({ ports: b, remote: { address: '::1', port: a.port }, rtcpIntervalMs: 0, out });
    try {
      assert.equal(isPolled(v4.rtp), true);
      assert.equal(isPolled(a.rtp), false);
      sa.send(Buffer.alloc(160, 1), { payloadType: 0, timestampStep: 160 });
      sb.send(Buffer.alloc(160, 2), { payloadType: 0, timestampStep: 160 });
      await waitFor(() => sa.stats().packetsIn === 1 && sb.stats().packetsIn === 1, 'a packet each way over ::1');
      assert.equal(out.packets, 0, 'IPv6 is not sent natively either');
    } finally {
      sa.close();
      sb.close();
      v4.release();
      await Promise.all([sa.closed, sb.closed]);
    }
  });
});
