// Rough throughput figures, printed, not asserted: small messages through one TCP connection,
// through UDP, and out of the layer with send(). A regression shows up as a drop in these lines.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { TransportLayer } from '../../../src/sip/transport/transport-layer.js';
import { openSockets, sipRequest, sleep, waitUntil } from './harness.js';

const N = 100_000;

describe('throughput (printed)', () => {
  const layers: TransportLayer[] = [];
  after(async () => {
    for (const l of layers) await l.close();
    await waitUntil(() => openSockets().length === 0, 'no open sockets');
  });

  it('TCP: one connection, messages written in batches of 100', async () => {
    const layer = new TransportLayer();
    layers.push(layer);
    let n = 0;
    layer.onMessage(() => { n++; });
    const ep = await layer.listen({ protocol: 'tcp', address: '127.0.0.1', port: 0 });
    const s = connect({ host: '127.0.0.1', port: ep.port });
    await new Promise((r) => s.once('connect', r));
    const batch = Buffer.from(Array.from({ length: 100 }, (_, i) => sipRequest(i)).join(''));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N / 100; i++) {
      if (!s.write(batch)) await new Promise((r) => s.once('drain', r));
    }
    await waitUntil(() => n === N, `${N} messages`, 25_000);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`# tcp in: ${N} messages (${batch.length / 100} bytes each) in ${secs.toFixed(2)} s = ${Math.round(N / secs)} messages/s`);
    s.destroy();
  });

  it('TCP: send() from one layer to another over one connection', async () => {
    const server = new TransportLayer();
    const client = new TransportLayer();
    layers.push(server, client);
    let n = 0;
    server.onMessage(() => { n++; });
    const ep = await server.listen({ protocol: 'tcp', address: '127.0.0.1', port: 0 });
    const msg = Buffer.from(sipRequest(1));
    const info = await client.connect(ep);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      await client.send(ep, msg, { connectionId: info.connectionId });
      if (i % 1000 === 0) await sleep(0); // let the receiver run, as a real event loop would
    }
    await waitUntil(() => n === N, `${N} messages`, 25_000);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`# tcp send(): ${N} messages in ${secs.toFixed(2)} s = ${Math.round(N / secs)} messages/s`);
  });

  it('UDP: datagrams in, paced in bursts of 200', async () => {
    const layer = new TransportLayer();
    layers.push(layer);
    let n = 0;
    layer.onMessage(() => { n++; });
    const ep = await layer.listen({ protocol: 'udp', address: '127.0.0.1', port: 0 });
    const s = createSocket('udp4');
    const msg = Buffer.from(sipRequest(1, 'UDP'));
    const total = 50_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < total; i += 200) {
      await Promise.all(Array.from({ length: 200 }, () => new Promise<void>((r) => s.send(msg, ep.port, '127.0.0.1', () => r()))));
      await sleep(0);
    }
    await waitUntil(() => n === total, 'all datagrams', 5_000).catch(() => undefined);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`# udp in: ${n}/${total} datagrams received in ${secs.toFixed(2)} s = ${Math.round(n / secs)} messages/s`);
    assert.ok(n > 0);
    await new Promise<void>((r) => s.close(() => r()));
  });
});
