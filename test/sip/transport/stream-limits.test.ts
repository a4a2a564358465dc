// Limits on TCP peers (src/sip/transport/limits.ts), with small values so the test is quick: a
// message begun must be complete by the message deadline however slowly it trickles in; an
// inbound connection that sends no message (pings only) is closed; one source IP may hold only so
// many connections, the rest are refused, counted, and logged once.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { TransportLayer } from '../../../src/sip/transport/transport-layer.js';
import type { TransportLog } from '../../../src/sip/transport/types.js';
import { collect, openSockets, sipRequest, sleep, waitUntil } from './harness.js';

const ADDRESS = '127.0.116.20';

function tcp(port: number, localAddress: string): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ADDRESS, port, localAddress, noDelay: true });
    let closed = false;
    socket.on('close', () => { closed = true; });
    socket.once('error', reject);
    socket.once('connect', () => { socket.on('error', () => undefined); socket.resume(); resolve({ socket, closed: () => closed }); });
  });
}

describe('TCP limits', () => {
  const layers: TransportLayer[] = [];
  const sockets: Socket[] = [];
  after(async () => {
    for (const s of sockets) s.destroy();
    for (const l of layers) await l.close();
    await waitUntil(() => openSockets().length === 0, `no open sockets (${openSockets().join(', ')})`);
  });
  const warnings: string[] = [];
  const log: TransportLog = { warn: (_o, m) => warnings.push(String(m)), info() {}, debug() {} };
  async function layer(o: ConstructorParameters<typeof TransportLayer>[0]): Promise<{ l: TransportLayer; port: number }> {
    const l = new TransportLayer({ log, ...o });
    layers.push(l);
    const ep = await l.listen({ protocol: 'tcp', address: ADDRESS, port: 0 });
    return { l, port: ep.port };
  }

  it('cuts off a peer that sends a message one byte at a time after the message deadline', async () => {
    const { l, port } = await layer({ messageDeadlineMs: 1_200 });
    const got = collect(l);
    const slow = await tcp(port, '127.0.116.21');
    sockets.push(slow.socket);
    const bytes = Buffer.from(sipRequest(1));
    const started = Date.now();
    for (let i = 0; i < bytes.length && !slow.closed() && Date.now() - started < 5_000; i++) {
      slow.socket.write(bytes.subarray(i, i + 1));
      await sleep(100);
    }
    assert.ok(slow.closed(), 'closed before the message was complete');
    const took = Date.now() - started;
    assert.ok(took >= 1_100 && took < 2_500, `closed after ${took} ms`);
    assert.equal(got.length, 0);
    assert.equal(l.stats().messageDeadlineClosed, 1);
  });

  it('keeps a peer whose messages come in pieces within the deadline, many messages in a row', async () => {
    const { l, port } = await layer({ messageDeadlineMs: 1_000 });
    const got = collect(l);
    const peer = await tcp(port, '127.0.116.22');
    sockets.push(peer.socket);
    for (let n = 0; n < 4; n++) {
      const bytes = Buffer.from(sipRequest(n));
      peer.socket.write(bytes.subarray(0, 40));
      await sleep(400);
      peer.socket.write(bytes.subarray(40));
      await sleep(400);
    }
    await waitUntil(() => got.length === 4, '4 messages');
    assert.equal(peer.closed(), false, 'open after 3.2 s: each message finished within its 1 s');
    assert.equal(l.stats().messageDeadlineClosed, 0);
  });

  it('closes an inbound connection that sends no message (keep-alive pings only) in time', async () => {
    const { l, port } = await layer({ firstMessageTimeoutMs: 800 });
    const silent = await tcp(port, '127.0.116.23');
    const talker = await tcp(port, '127.0.116.24');
    sockets.push(silent.socket, talker.socket);
    talker.socket.write(sipRequest(1));
    silent.socket.write('\r\n\r\n');
    await sleep(500);
    silent.socket.write('\r\n\r\n');
    await waitUntil(() => silent.closed(), 'the silent connection closed', 2_000);
    assert.equal(talker.closed(), false, 'a connection that sent a message stays');
    assert.equal(l.stats().idleClosed, 1);
  });

  it('refuses connections from one source over its cap, counts each, logs it once, and admits other sources', async () => {
    const { l, port } = await layer({ maxConnectionsPerSource: 3 });
    warnings.length = 0;
    const from = await Promise.all(Array.from({ length: 6 }, () => tcp(port, '127.0.116.25')));
    sockets.push(...from.map((c) => c.socket));
    await waitUntil(() => from.filter((c) => c.closed()).length === 3, '3 refused');
    assert.equal(l.stats().refusedPerSource, 3);
    assert.equal(warnings.filter((w) => /from this source/.test(w)).length, 1, warnings.join('\n'));
    const other = await tcp(port, '127.0.116.26');
    sockets.push(other.socket);
    await sleep(200);
    assert.equal(other.closed(), false, 'another source is admitted');
    // A slot freed is a slot again.
    from.find((c) => !c.closed())!.socket.destroy();
    await sleep(100);
    const again = await tcp(port, '127.0.116.25');
    sockets.push(again.socket);
    await sleep(200);
    assert.equal(again.closed(), false);
    assert.equal(l.stats().refusedPerSource, 3);
  });
});
