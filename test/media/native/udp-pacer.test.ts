// The pacer of native/udp (native/udp/udp_pacer.c) and BatchedUdpOut's paced flush
// (src/media/native/udp-batch-out.ts): queued packets all go, in order, whatever the delays asked;
// a packet the kernel refuses is reported with a later batch to the callback of the right packet;
// a socket closed while packets for it are queued is closed only after they went; only the
// thread's own sockets are taken; and a thread that ends with packets queued sends them and
// stops cleanly. No timing is asserted. Skipped when native/udp is not built or OPENUM_NATIVE=0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { ipv4ToInt } from '../../../src/media/native/ipv4.js';
import { BatchedUdpOut } from '../../../src/media/native/udp-batch-out.js';
import { loadUdpPaceAddon, UDP_BATCH_FIELDS } from '../../../src/media/native/udp.js';
import type { PolledUdpSocket } from '../../../src/media/rtp/datagram-in.js';
import { bindRaw, closeRaw, waitFor } from '../rtp/helpers.js';

const SERVER = '127.0.151.11';
const PEER = '127.0.151.12';
const loaded = loadUdpPaceAddon();
const addon = loaded.addon;
const skip = addon ? false : `the pacer is not in use (${loaded.why})`;

/** A socket of the addon's own, looking like the batched receiver's (send and attach unused here). */
function ownSocket(): PolledUdpSocket {
  const fd = addon!.openUdp4(ipv4ToInt(SERVER)!, 0);
  assert.ok(fd >= 0, `openUdp4: ${fd}`);
  return { fd, attach: () => {}, send: () => {}, close: () => addon!.closeUdp(fd) } as unknown as PolledUdpSocket;
}

describe('native/udp pacer', { skip }, () => {
  it('sends every paced batch, in order, whatever its delay, and then closes the socket', async () => {
    const peer = await bindRaw(PEER);
    const got: number[] = [];
    peer.on('message', (m: Buffer) => got.push(m[0]!));
    const socket = ownSocket();
    const out = new BatchedUdpOut(addon!, addon);
    const to = { address: PEER, port: peer.address().port };
    const now = performance.now();
    // Due times out of order and in the past: the pacer keeps the order of the batches.
    const dues = [now + 30, now - 50, now + 10, undefined, now + 60];
    let n = 0;
    for (const due of dues) {
      for (let k = 0; k < 3; k++) {
        const at = out.reserve(socket, to, 20, () => assert.fail('no packet fails here'));
        assert.ok(at >= 0);
        out.arena.fill(n++, at, at + 20);
      }
      out.flush(due);
    }
    assert.equal(out.paced, dues.length);
    socket.close(); // while batches are queued: closed after they went
    await waitFor(() => got.length === 15, 'all 15 packets', 5000);
    assert.deepEqual(got, Array.from({ length: 15 }, (_, i) => i));
    await closeRaw(peer);
  });

  it('holds a batch at most a second, whatever delay it was given', async () => {
    const peer = await bindRaw(PEER);
    let got = 0;
    peer.on('message', () => got++);
    const socket = ownSocket();
    const desc = new Int32Array([socket.fd, 0, 4, peer.address().port, ipv4ToInt(PEER)!]);
    assert.ok(addon!.paceBatch(Buffer.alloc(4), desc, 1, 3.6e9, new Int32Array(8)) >= 0); // an hour
    await waitFor(() => got === 1, 'the packet', 5000);
    socket.close();
    await closeRaw(peer);
  });

  it('reports a packet the kernel refused to the callback of that packet, with a later batch', async () => {
    const socket = ownSocket();
    const out = new BatchedUdpOut(addon!, addon);
    const failed: string[] = [];
    // A broadcast address without SO_BROADCAST: sendto() fails with EACCES.
    const bad = { address: '255.255.255.255', port: 9 };
    const peer = await bindRaw(PEER);
    const good = { address: PEER, port: peer.address().port };
    for (const [i, to] of [good, bad, good].entries()) out.reserve(socket, to, 12, () => failed.push(`packet ${i}`));
    out.flush(performance.now());
    for (let t = 0; t < 50 && failed.length === 0; t++) {
      await sleep(10);
      out.reserve(socket, good, 12, () => failed.push('a later one'));
      out.flush(performance.now());
    }
    assert.deepEqual(failed, ['packet 1']);
    socket.close();
    await closeRaw(peer);
  });

  it('takes only the thread\'s own sockets, and checks every range', () => {
    const arena = Buffer.alloc(64);
    const desc = new Int32Array(UDP_BATCH_FIELDS);
    const report = new Int32Array(8);
    desc.set([0, 0, 10, 9, 0x7f000001]); // fd 0: stdin, not an openUdp4() socket
    assert.throws(() => addon!.paceBatch(arena, desc, 1, 0, report), /not one of this thread's/);
    const socket = ownSocket();
    desc.set([socket.fd, 60, 10, 9, 0x7f000001]);
    assert.throws(() => addon!.paceBatch(arena, desc, 1, 0, report), /out of range/);
    assert.throws(() => addon!.paceBatch(arena, desc, 2, 0, report), /larger than desc/);
    assert.throws(() => addon!.paceBatch(arena, desc, 1, 0, new Int32Array(1)), /report/);
    socket.close();
  });

  it('the pacer asks for one real-time step above the thread that made it (where it may)', async () => {
    const udpModule = new URL('../../../src/media/native/udp.js', import.meta.url).href;
    const ipModule = new URL('../../../src/media/native/ipv4.js', import.meta.url).href;
    // In a thread of its own: the test runner's threads keep their priority. /proc/self/task/*/stat
    // field 40 is a thread's real-time priority, 41 its policy (2: SCHED_RR).
    const script = `
      const { readdirSync, readFileSync } = await import('node:fs');
      const { parentPort } = await import('node:worker_threads');
      const { loadUdpPaceAddon } = await import(${JSON.stringify(udpModule)});
      const { ipv4ToInt } = await import(${JSON.stringify(ipModule)});
      const a = loadUdpPaceAddon().addon;
      const rtOf = () => readdirSync('/proc/self/task').map((t) => readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')).map((f) => Number(f[37]) + ':' + f[38]);
      if (a.setThreadRealtime(10) !== 0) { parentPort.postMessage('not allowed'); }
      else {
        const before = rtOf();
        const fd = a.openUdp4(ipv4ToInt(${JSON.stringify(SERVER)}), 0);
        a.paceBatch(Buffer.alloc(4), new Int32Array([fd, 0, 4, 9, ipv4ToInt(${JSON.stringify(PEER)})]), 1, 0, new Int32Array(8));
        const after = rtOf();
        a.closeUdp(fd);
        parentPort.postMessage(JSON.stringify({ before: before.filter((x) => x === '11:2').length, after: after.filter((x) => x === '11:2').length, mine: after.filter((x) => x === '10:2').length }));
      }`;
    const worker = new Worker(`import(${JSON.stringify('data:text/javascript,' + encodeURIComponent(script))})`, { eval: true });
    const said = await new Promise<string>((resolve, reject) => {
      worker.on('message', resolve);
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the thread exited (${code}) without saying`)));
    });
    if (said === 'not allowed') return; // not root, no CAP_SYS_NICE: the priorities cannot be raised here
    assert.deepEqual(JSON.parse(said), { before: 0, after: 1, mine: 1 }, 'the thread at SCHED_RR 10, its pacer at 11');
  });

  it('a thread that ends with batches queued sends them and stops', async () => {
    const peer = await bindRaw(PEER);
    const got: number[] = [];
    peer.on('message', (m: Buffer) => got.push(m[0]!));
    const udpModule = new URL('../../../src/media/native/udp.js', import.meta.url).href;
    const ipModule = new URL('../../../src/media/native/ipv4.js', import.meta.url).href;
    const script = `
      const { loadUdpPaceAddon } = await import(${JSON.stringify(udpModule)});
      const { ipv4ToInt } = await import(${JSON.stringify(ipModule)});
      const a = loadUdpPaceAddon().addon;
      const fd = a.openUdp4(ipv4ToInt(${JSON.stringify(SERVER)}), 0);
      const report = new Int32Array(8);
      for (let i = 0; i < 5; i++) {
        const arena = Buffer.alloc(4, i);
        a.paceBatch(arena, new Int32Array([fd, 0, 4, ${peer.address().port}, ipv4ToInt(${JSON.stringify(PEER)})]), 1, 300000, report);
      }
      a.closeUdp(fd);`;
    for (let w = 0; w < 2; w++) {
      const worker = new Worker(`import(${JSON.stringify('data:text/javascript,' + encodeURIComponent(script))})`, { eval: true });
      const code = await new Promise<number>((resolve) => worker.on('exit', resolve));
      assert.equal(code, 0);
    }
    await waitFor(() => got.length === 10, 'the 10 packets queued by the two threads', 5000);
    assert.deepEqual(got, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    await closeRaw(peer);
  });
});
