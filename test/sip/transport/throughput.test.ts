// Rough throughput figures, printed, not asserted: small messages through one TCP connection,
// through UDP, and out of the layer with send(). A regression shows up as a drop in these lines.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { join } from 'node:path';
import { TransportLayer } from '../../../src/sip/transport/transport-layer.js';
import { run } from '../../support/run.js';
import { openSockets, sipRequest, waitUntil } from './harness.js';

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
      // Let the receiver run, as a real event loop would, and keep at most ~1000 messages in
      // flight: on a loaded host the writer otherwise outruns the reader until the transport's
      // backpressure guard (1 MiB queued) rightly closes the connection.
      if (i % 1000 === 0) await waitUntil(() => n >= i - 1000, `the reader to catch up at ${i}`, 25_000);
    }
    await waitUntil(() => n === N, `${N} messages`, 25_000);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`# tcp send(): ${N} messages in ${secs.toFixed(2)} s = ${Math.round(N / secs)} messages/s`);
  });

  it('UDP: datagrams in from another process at 30 000/s', async () => {
    const layer = new TransportLayer();
    layers.push(layer);
    let n = 0;
    layer.onMessage(() => { n++; });
    const ep = await layer.listen({ protocol: 'udp', address: '127.0.0.1', port: 0 });
    const total = 60_000;
    const t0 = process.hrtime.bigint();
    const r = await run(process.execPath, [join(import.meta.dirname, 'udp-sender.js'), String(ep.port), String(total), '30000'],
      { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    await waitUntil(() => n === total, 'all datagrams', 2_000).catch(() => undefined);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`# udp in: ${n}/${total} datagrams in ${secs.toFixed(2)} s = ${Math.round(n / secs)} messages/s `
      + `(sender paced at 30000/s; ${layer.stats().droppedOversize} oversize)`);
    assert.ok(n > 0);
  });

  it('UDP: send() out of the layer', async () => {
    const layer = new TransportLayer();
    layers.push(layer);
    await layer.listen({ protocol: 'udp', address: '127.0.0.1', port: 0 });
    // A bound socket that never reads: the figure is the layer's send path alone.
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const dest = { protocol: 'udp' as const, address: '127.0.0.1', port: s.address().port };
    const msg = Buffer.from(sipRequest(1, 'UDP'));
    const total = 30_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < total; i += 100) {
      await Promise.all(Array.from({ length: 100 }, () => layer.send(dest, msg)));
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`# udp send(): ${total} datagrams sent in ${secs.toFixed(2)} s = ${Math.round(total / secs)} messages/s`);
    await new Promise<void>((r) => s.close(() => r()));
  });
});
