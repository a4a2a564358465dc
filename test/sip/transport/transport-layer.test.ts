// TransportLayer behaviour outside the compliance suite: listen errors, unlisten, dual-stack
// sockets, UDP source selection, connection cap, slow readers, handler faults, close.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { TransportError } from '../../../src/sip/transport/errors.js';
import { TransportLayer, type ConnectionEvent } from '../../../src/sip/transport/transport-layer.js';
import { collect, openSockets, rawPeer, sipRequest, sipResponse, sleep, waitUntil } from './harness.js';

const isTransportError = (code: string, text: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof TransportError, String(e));
  assert.equal(e.code, code);
  assert.match(e.message, text);
  return true;
};

describe('TransportLayer', () => {
  const layers: TransportLayer[] = [];
  const make = (o: ConstructorParameters<typeof TransportLayer>[0] = {}): TransportLayer => {
    const l = new TransportLayer(o);
    layers.push(l);
    return l;
  };
  after(async () => {
    for (const l of layers) await l.close();
    await waitUntil(() => openSockets().length === 0, `no open sockets (${openSockets().join(', ')})`);
  });

  it('names the address and the reason when a port is taken or the address is not local', async () => {
    const a = make();
    for (const protocol of ['udp', 'tcp'] as const) {
      const ep = await a.listen({ protocol, address: '127.0.0.1', port: 0 });
      await assert.rejects(make().listen({ protocol, address: '127.0.0.1', port: ep.port }),
        isTransportError('LISTEN_FAILED', new RegExp(`${protocol} 127\\.0\\.0\\.1:${ep.port}: address already in use`)));
    }
    await assert.rejects(a.listen({ protocol: 'tcp', address: '192.0.2.1', port: 5060 }),
      isTransportError('LISTEN_FAILED', /tcp 192\.0\.2\.1:5060: address not available/));
    await assert.rejects(a.listen({ protocol: 'udp', address: 'localhost', port: 5060 }),
      isTransportError('LISTEN_FAILED', /not an IP address/));
    await assert.rejects(a.listen({ protocol: 'tls', address: '::1', port: 5061 }),
      isTransportError('LISTEN_FAILED', /tls \[::1\]:5061: no TLS provider/));
  });

  it('rejects a send whose connection cannot be opened, naming the destination', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const a = make();
    await assert.rejects(a.send({ protocol: 'tcp', address: '127.0.0.1', port }, Buffer.from('x')),
      isTransportError('CONNECT_FAILED', new RegExp(`tcp 127\\.0\\.0\\.1:${port}: connection refused`)));
    await assert.rejects(a.send({ protocol: 'udp', address: '::1', port }, Buffer.from('x')),
      isTransportError('NO_TRANSPORT', /no UDP listener/));
  });

  it('unlisten stops accepting but keeps open connections until closeConnections', async () => {
    const a = make();
    const got = collect(a);
    const ep = await a.listen({ protocol: 'tcp', address: '127.0.0.1', port: 0 });
    const p = await rawPeer('tcp', '127.0.0.1', ep.port);
    await a.unlisten(ep);
    await assert.rejects(rawPeer('tcp', '127.0.0.1', ep.port));
    await p.write(sipRequest('still'));
    await waitUntil(() => got.length === 1, 'the message on the kept connection');
    await a.closeConnections();
    await waitUntil(() => p.closed, 'the close');
    assert.equal(a.stats().openConnections, 0);
  });

  it('reports IPv4 peers of a dual-stack "::" listener as IPv4, and answers them', async () => {
    const a = make();
    const got = collect(a);
    for (const protocol of ['udp', 'tcp'] as const) {
      got.length = 0;
      const ep = await a.listen({ protocol, address: '::', port: 0 });
      const p = await rawPeer(protocol, '127.0.0.1', ep.port);
      await p.write(sipRequest(`dual-${protocol}`, protocol));
      await waitUntil(() => got.length === 1, 'the message');
      assert.deepEqual({ ...got[0]!.source }, { protocol, address: '127.0.0.1', port: p.local.port });
      // A stream knows the address it was reached on; a UDP socket only knows what it is bound to.
      assert.equal(got[0]!.local.address, protocol === 'tcp' ? '127.0.0.1' : '::');
      await a.send(got[0]!.source, Buffer.from(sipResponse('dual')), { connectionId: got[0]!.connectionId });
      await waitUntil(() => p.bytes.toString() === sipResponse('dual'), 'the answer');
      await p.close();
    }
  });

  it('answers a UDP peer from the socket that heard it when several are bound', async () => {
    const a = make();
    const got = collect(a);
    const first = await a.listen({ protocol: 'udp', address: '127.0.0.1', port: 0 });
    const second = await a.listen({ protocol: 'udp', address: '127.0.0.1', port: 0 });
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const from: number[] = [];
    s.on('message', (_d, rinfo) => from.push(rinfo.port));
    for (const [i, ep] of [second, first, second].entries()) {
      s.send(sipRequest(`route-${i}`, 'udp'), ep.port, '127.0.0.1');
      await waitUntil(() => got.length === i + 1, `request ${i}`);
      await a.send(got[i]!.source, Buffer.from(sipResponse(`route-${i}`)));
      await waitUntil(() => from.length === i + 1, `answer ${i}`);
    }
    assert.deepEqual(from, [second.port, first.port, second.port]);
    await new Promise<void>((r) => s.close(() => r()));
  });

  it('refuses connections over the cap and counts them', async () => {
    const a = make({ maxConnections: 2 });
    const ep = await a.listen({ protocol: 'tcp', address: '127.0.0.1', port: 0 });
    const p1 = await rawPeer('tcp', '127.0.0.1', ep.port);
    const p2 = await rawPeer('tcp', '127.0.0.1', ep.port);
    await waitUntil(() => a.stats().openConnections === 2, 'two connections');
    const p3 = await rawPeer('tcp', '127.0.0.1', ep.port);
    await waitUntil(() => p3.closed, 'the third to be closed');
    assert.equal(a.stats().connectionsRefused, 1);
    assert.equal(p1.closed || p2.closed, false);
    await Promise.all([p1.close(), p2.close()]);
  });

  it('closes a connection whose peer does not read once the write buffer passes its bound', async () => {
    const a = make({ maxWriteBufferBytes: 256 * 1024 });
    const ep = await a.listen({ protocol: 'tcp', address: '127.0.0.1', port: 0 });
    const got = collect(a);
    const s = connect({ host: '127.0.0.1', port: ep.port });
    await new Promise((r) => s.once('connect', r));
    s.write(sipRequest('slow'));
    s.pause(); // never reads
    await waitUntil(() => got.length === 1, 'the request');
    const big = Buffer.alloc(64 * 1024, 'x');
    let error: unknown;
    for (let i = 0; i < 20_000 && !error; i++) {
      try {
        await a.send(got[0]!.source, big, { connectionId: got[0]!.connectionId });
      } catch (e) {
        error = e;
      }
      if (i % 64 === 0) await sleep(1);
    }
    assert.ok(error instanceof TransportError && error.code === 'CONNECTION_CLOSED', String(error));
    assert.equal(a.stats().slowReadersClosed, 1);
    s.destroy();
  });

  it('survives a throwing handler and reports connections opening and closing', async () => {
    const a = make();
    const events: ConnectionEvent[] = [];
    a.onConnection((e) => { events.push(e); throw new Error('listener bug'); });
    let n = 0;
    a.onMessage(() => { n++; throw new Error('handler bug'); });
    const ep = await a.listen({ protocol: 'tcp', address: '127.0.0.1', port: 0 });
    const p = await rawPeer('tcp', '127.0.0.1', ep.port);
    await p.write(sipRequest('t1') + sipRequest('t2'));
    await waitUntil(() => n === 2, 'both messages despite the throw');
    await p.close();
    await waitUntil(() => events.length === 2, 'open and closed events');
    assert.deepEqual(events.map((e) => [e.type, e.connection.direction]), [['open', 'inbound'], ['closed', 'inbound']]);
  });

  it('rejects use after close', async () => {
    const a = make();
    await a.listen({ protocol: 'udp', address: '127.0.0.1', port: 0 });
    await a.close();
    await assert.rejects(a.send({ protocol: 'udp', address: '127.0.0.1', port: 9 }, Buffer.from('x')), isTransportError('CLOSED', /closed/));
    await assert.rejects(a.listen({ protocol: 'udp', address: '127.0.0.1', port: 0 }), isTransportError('CLOSED', /closed/));
  });
});
