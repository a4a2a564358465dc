// The native/udp addon (native/udp/*.c) on arguments from JavaScript that may be anything: the
// batched receive (recvBatch with random fd lists, ranges, arena, slot, descriptor and state
// sizes), the batched send (random descriptors: offsets, lengths, counts, ports) and
// openUdp4/closeUdp with random values. Real datagrams (0-3000 octets) are sent to one socket the
// addon opened, and every read must give them back in order, byte for byte up to the slot, with
// their real length and source. A crash: the process dies (the sample would not finish), an
// exception other than the addon's own TypeError (ERR_OPENUM_UDP_BATCH), a descriptor outside
// its arena or range, a datagram lost, reordered or altered. Without the addon each input is a
// no-op. Only loopback: everything binds and sends to 127.0.170.50 (the fuzz run's own address).
import { createSocket, type Socket } from 'node:dgram';
import fc from 'fast-check';
import { ipv4ToInt } from '../../../src/media/native/ipv4.js';
import { loadUdpRecvAddon, UDP_BATCH_FIELDS, UDP_RECV_FIELDS as F, type UdpRecvAddon } from '../../../src/media/native/udp.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';

const ADDRESS = '127.0.170.50';
const IP = ipv4ToInt(ADDRESS)!;
/** In an fd list or send descriptor: stands for the target socket's fd. */
const OURS = -100;

interface Read { fds: number[]; from: number; to: number; arena: number; slot: number; desc: number; state: number }
interface Send { desc: number[]; arena: number; count: number; results: number }
export interface UdpInput { datagrams: Buffer[]; reads: Read[]; sends: Send[]; opens: number[]; closes: number[] }

const fdValue = fc.oneof(fc.constant(OURS), fc.constant(-1), fc.integer({ min: -5, max: 4 }), fc.integer());
const small = (max: number) => fc.oneof(fc.integer({ min: 0, max }), fc.integer({ min: -3, max: max + 3 }), fc.integer());
const input: fc.Arbitrary<UdpInput> = fc.record({
  datagrams: fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 1400, maxLength: 3000 })).map((a) => Buffer.from(a)), { maxLength: 12 }),
  reads: fc.array(fc.record({
    fds: fc.array(fdValue, { maxLength: 5 }), from: small(5), to: small(5), arena: small(20_000),
    slot: fc.oneof(fc.constantFrom(64, 2048, 65536), small(70_000)), desc: small(40), state: small(2),
  }), { maxLength: 4 }),
  sends: fc.array(fc.record({ desc: fc.array(fc.oneof(fdValue, small(70_000)), { maxLength: 15 }), arena: small(4000), count: small(4), results: small(4) }), { maxLength: 3 }),
  opens: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -2, max: 70_000 }), fc.integer()), { maxLength: 2 }),
  closes: fc.array(fc.integer(), { maxLength: 3 }),
});

let state: { addon: UdpRecvAddon; fd: number; port: number; sender: Socket } | undefined;

function allowed(e: unknown): void {
  check(e instanceof TypeError && (e as { code?: string }).code === 'ERR_OPENUM_UDP_BATCH', () => `unexpected ${String(e)}`);
}

function send(sender: Socket, buf: Buffer, port: number): Promise<void> {
  return new Promise((resolve) => sender.send(buf, port, ADDRESS, () => resolve()));
}

/** One recvBatch; checks every descriptor and collects those of the target socket. */
function read(s: NonNullable<typeof state>, r: Read, got: { length: number; bytes: Buffer }[]): void {
  const fds = Int32Array.from(r.fds.map((v) => (v === OURS ? s.fd : v)));
  const arena = Buffer.alloc(Math.max(0, Math.min(r.arena, 20_000)));
  const desc = new Int32Array(Math.max(0, Math.min(r.desc, 40)) * F);
  const st = new Int32Array(Math.max(0, Math.min(r.state, 2)));
  let count: number;
  try {
    count = s.addon.recvBatch(fds, r.from, r.to, arena, r.slot, desc, st);
  } catch (e) {
    return allowed(e);
  }
  check(count >= 0 && count * F <= desc.length, `count ${count} for ${desc.length / F} descriptors`);
  check(st[0]! >= r.from && st[0]! <= r.to, `state ${st[0]} outside ${r.from}..${r.to}`);
  for (let i = 0; i < count; i++) {
    const [index, offset, length, port, ip] = desc.subarray(i * F, i * F + F);
    check(index! >= r.from && index! < r.to, `index ${index} outside ${r.from}..${r.to}`);
    if (fds[index!] !== s.fd) {
      check(length! < 0, 'read a descriptor it did not open');
      continue;
    }
    if (length! < 0) continue; // a receive error: counted by a session, nothing to compare
    const kept = Math.min(length!, r.slot);
    check(offset! >= 0 && offset! + kept <= arena.length, `datagram at ${offset}+${kept} outside an arena of ${arena.length}`);
    check(port === (s.sender.address().port) && ip === IP, 'wrong source');
    got.push({ length: length!, bytes: Buffer.from(arena.subarray(offset!, offset! + kept)) });
  }
}

function sendGarbage(s: NonNullable<typeof state>, g: Send): void {
  // Only the target socket or numbers that are no descriptor (a random fd could be a real socket
  // of this process), and only to our loopback address: the checks, not the sends, are fuzzed.
  // Never to the target socket's port: what it receives is checked against what was sent to it.
  const desc = Int32Array.from(g.desc.map((v, i) => {
    if (i % UDP_BATCH_FIELDS === 0) return v === OURS ? s.fd : -1 - Math.abs(v % 1000);
    if (i % UDP_BATCH_FIELDS === 3) return v === s.port ? v + 1 : v;
    return i % UDP_BATCH_FIELDS === 4 ? IP : v;
  }));
  try {
    const failed = s.addon.sendBatch(Buffer.alloc(Math.max(0, Math.min(g.arena, 4000))), desc, g.count, new Int32Array(Math.max(0, Math.min(g.results, 4))));
    check(failed >= 0 && failed <= g.count, `${failed} failed of ${g.count}`);
  } catch (e) {
    allowed(e);
  }
}

export const udpNativeTarget: FuzzTarget<UdpInput> = {
  name: 'udp-native',
  describe: 'native/udp recvBatch/sendBatch/openUdp4/closeUdp on random arguments; datagrams read back in order and intact (skipped without the addon)',
  weight: 5,
  hangMs: 2000,
  ext: 'json',
  setup: async () => {
    const addon = loadUdpRecvAddon({}).addon;
    if (!addon) return;
    for (let i = 0; i < 100 && !state; i++) {
      const port = 45000 + Math.floor(Math.random() * 1000);
      const fd = addon.openUdp4(IP, port);
      if (fd < 0) continue;
      const sender = createSocket('udp4');
      await new Promise<void>((resolve) => sender.bind(0, ADDRESS, () => resolve()));
      state = { addon, fd, port, sender };
    }
  },
  teardown: async () => {
    const s = state;
    state = undefined;
    if (!s) return;
    s.addon.closeUdp(s.fd);
    await new Promise<void>((resolve) => s.sender.close(() => resolve()));
  },
  arbitrary: () => input,
  run: async (i) => {
    const s = state;
    if (!s) return;
    for (const d of i.datagrams) await send(s.sender, d, s.port);
    const got: { length: number; bytes: Buffer }[] = [];
    for (const r of i.reads) read(s, r, got);
    for (const g of i.sends) sendGarbage(s, g);
    for (const port of i.opens) {
      try {
        const fd = s.addon.openUdp4(IP, port);
        check(fd < 0 || s.addon.closeUdp(fd) === 0, 'an opened socket did not close');
      } catch (e) {
        allowed(e);
      }
    }
    for (const v of i.closes) {
      try {
        if (v !== s.fd) s.addon.closeUdp(v);
      } catch (e) {
        allowed(e);
      }
    }
    // Whatever is left, then nothing: what was sent came back once, in order, intact.
    for (let k = 0; k < 20; k++) {
      const before = got.length;
      read(s, { fds: [OURS], from: 0, to: 1, arena: 20_000, slot: 2048, desc: 40, state: 1 }, got);
      if (got.length === before) break;
    }
    check(got.length === i.datagrams.length, () => `${got.length} datagrams read of ${i.datagrams.length} sent`);
    got.forEach((g, k) => {
      const sent = i.datagrams[k]!;
      check(g.length === sent.length && sent.subarray(0, g.bytes.length).equals(g.bytes), `datagram ${k} differs`);
    });
  },
  encode: (i) => toJson(i),
  decode: (b) => fromJson<UdpInput>(b),
};
