// One compliance suite run against every transport (STYLE.md, after js-libp2p's
// interface-compliance-tests): the same behaviour over UDP, TCP and TLS, on IPv4 and IPv6.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ParseLimits } from '../../../src/sip/message/types.js';
import { TransportLayer } from '../../../src/sip/transport/transport-layer.js';
import type { Endpoint, TransportProtocol } from '../../../src/sip/transport/types.js';
import {
  collect, openSockets, rawPeer, sipRequest, sipResponse, sleep, waitUntil, type RawPeer, type TestCerts,
} from './harness.js';

const LIMITS: ParseLimits = { maxMessageBytes: 4_096, maxHeaders: 64, maxLineBytes: 1_024 };

export function complianceSuite(protocol: TransportProtocol, certs: () => TestCerts | undefined): void {
  for (const address of ['127.0.0.1', '::1']) {
    describe(`${protocol} over ${address}`, () => {
      const cleanups: (() => Promise<void>)[] = [];
      after(async () => {
        for (const c of cleanups.splice(0).reverse()) await c();
      });

      const stream = protocol !== 'udp';
      const tlsPeer = (): { cert: string; key: string } | undefined => certs()?.client;

      async function setup(options: { idleTimeoutMs?: number } = {}): Promise<{ layer: TransportLayer; ep: Endpoint }> {
        const c = certs();
        const layer = new TransportLayer({ limits: LIMITS, ...options,
          ...(c ? { tls: { secureContext: () => c.serverA.context } } : {}) });
        cleanups.push(() => layer.close());
        const ep = await layer.listen({ protocol, address, port: 0 });
        return { layer, ep };
      }
      async function peer(ep: Endpoint, withCert = false): Promise<RawPeer> {
        const p = await rawPeer(protocol, address, ep.port, withCert ? tlsPeer() : undefined);
        cleanups.push(() => p.close());
        return p;
      }

      it('passes a message up with the right source and local endpoints', async () => {
        const { layer, ep } = await setup();
        assert.equal(ep.protocol, protocol);
        assert.equal(ep.address, address);
        assert.ok(ep.port > 0);
        const got = collect(layer);
        const p = await peer(ep);
        await p.write(sipRequest(1, protocol));
        await waitUntil(() => got.length === 1, 'one message');
        const m = got[0]!;
        assert.equal(m.data.toString(), sipRequest(1, protocol));
        assert.deepEqual({ ...m.source }, { protocol, address, port: p.local.port });
        assert.deepEqual({ ...m.local }, { protocol, address, port: ep.port });
        assert.equal(m.framingError, undefined);
        if (stream) assert.match(m.connectionId ?? '', new RegExp(`^${protocol}-`));
        else assert.equal(m.connectionId, undefined);
        assert.equal(layer.stats().messagesIn[protocol], 1);
      });

      it('answers on the same connection (or from the listening port)', async () => {
        const { layer, ep } = await setup();
        const got = collect(layer);
        const p = await peer(ep);
        await p.write(sipRequest(2, protocol));
        await waitUntil(() => got.length === 1, 'the request');
        const m = got[0]!;
        await layer.send(m.source, Buffer.from(sipResponse(2)), { connectionId: m.connectionId });
        await waitUntil(() => p.bytes.toString() === sipResponse(2), 'the response at the peer');
        assert.equal(layer.stats().messagesOut[protocol], 1);
        if (stream) {
          // Without the id, the open connection to the source is found again (no new connection).
          await layer.send(m.source, Buffer.from(sipResponse(3)));
          await waitUntil(() => p.bytes.toString() === sipResponse(2) + sipResponse(3), 'the second response');
          assert.equal(layer.stats().openConnections, 1);
        }
      });

      it('frames many messages from one write (or a burst of datagrams)', async () => {
        const { layer, ep } = await setup();
        const got = collect(layer);
        const p = await peer(ep);
        const msgs = Array.from({ length: 50 }, (_, i) => sipRequest(`many-${i}`, protocol, i % 3 ? '' : 'v=0\r\n'));
        if (stream) await p.write(msgs.join(''));
        else for (const m of msgs) await p.write(m);
        await waitUntil(() => got.length === 50, '50 messages');
        assert.deepEqual(got.map((m) => m.data.toString()), msgs);
      });

      if (stream) {
        it('frames a message written one byte at a time', async () => {
          const { layer, ep } = await setup();
          const got = collect(layer);
          const p = await peer(ep);
          const text = sipRequest('bytes', protocol, 'hello');
          for (const b of Buffer.from(text)) await p.write(Buffer.from([b]));
          await waitUntil(() => got.length === 1, 'the message');
          assert.equal(got[0]!.data.toString(), text);
        });

        it('answers a CRLFCRLF ping with a CRLF pong and passes nothing up (RFC 5626 §3.5.1)', async () => {
          const { layer, ep } = await setup();
          const got = collect(layer);
          const p = await peer(ep);
          await p.write('\r\n\r\n');
          await waitUntil(() => p.bytes.length >= 2, 'the pong');
          assert.equal(p.bytes.toString(), '\r\n');
          await p.write(sipRequest('after-ping', protocol));
          await waitUntil(() => got.length === 1, 'the message after the ping');
          assert.equal(got[0]!.data.toString(), sipRequest('after-ping', protocol));
          assert.equal(layer.stats().keepalivesAnswered, 1);
        });

        it('passes a framing error up once and closes the connection after the answer', async () => {
          const { layer, ep } = await setup();
          const got = collect(layer);
          layer.onMessage((m) => {
            got.push(m);
            if (m.framingError) void layer.send(m.source, Buffer.from(sipResponse('bad', m.framingError.status, m.framingError.reason)), { connectionId: m.connectionId });
          });
          const p = await peer(ep);
          await p.write(sipRequest('ok', protocol));
          await p.write(sipRequest('huge', protocol).replace('Content-Length: 0', 'Content-Length: 99999999'));
          await p.write(sipRequest('never', protocol)); // after the error: discarded
          await waitUntil(() => p.closed, 'the connection to close');
          const errors = got.filter((m) => m.framingError);
          assert.equal(errors.length, 1);
          assert.equal(got.length, 2);
          // Over the size limit: 513 Message Too Large (RFC 3261 §21.5.14).
          assert.equal(errors[0]!.framingError!.status, 513);
          assert.match(p.bytes.toString(), /^SIP\/2\.0 513 Message Too Large/, 'the 513 reached the peer before the close');
          assert.equal(layer.stats().framingErrors, 1);
          await waitUntil(() => layer.stats().openConnections === 0, 'the connection to leave the table');
        });

        it('closes a connection after the idle timeout', async () => {
          const { layer, ep } = await setup({ idleTimeoutMs: 300 });
          const got = collect(layer);
          const p = await peer(ep);
          await p.write(sipRequest('idle', protocol));
          await waitUntil(() => got.length === 1, 'the message');
          const t0 = Date.now();
          await waitUntil(() => p.closed, 'the idle close', 3_000);
          assert.ok(Date.now() - t0 >= 200, 'not before the timeout');
          assert.equal(layer.stats().idleClosed, 1);
          assert.equal(layer.stats().openConnections, 0);
        });
      } else {
        it('ignores CRLF and CRLFCRLF keep-alive datagrams', async () => {
          const { layer, ep } = await setup();
          const got = collect(layer);
          const p = await peer(ep);
          await p.write('\r\n');
          await p.write('\r\n\r\n');
          await p.write(sipRequest('after-keepalive', protocol));
          await waitUntil(() => got.length === 1, 'the message');
          await sleep(20);
          assert.equal(got.length, 1);
          assert.equal(got[0]!.data.toString(), sipRequest('after-keepalive', protocol));
          assert.equal(layer.stats().keepalivesIgnored, 2);
        });

        it('drops and counts a datagram over the size limit', async () => {
          const { layer, ep } = await setup();
          const got = collect(layer);
          const p = await peer(ep);
          await p.write(sipRequest('big', protocol, 'x'.repeat(LIMITS.maxMessageBytes)));
          await p.write(sipRequest('small', protocol));
          await waitUntil(() => got.length === 1, 'the small message');
          assert.equal(got[0]!.data.toString(), sipRequest('small', protocol));
          assert.equal(layer.stats().droppedOversize, 1);
        });
      }

      it('sends to another layer and gets the answer back (new outbound connection)', async () => {
        const server = await setup();
        const client = await setup();
        const atServer = collect(server.layer);
        const atClient = collect(client.layer);
        const dest: Endpoint = { protocol, address, port: server.ep.port };
        await client.layer.send(dest, Buffer.from(sipRequest('l2l', protocol)));
        await waitUntil(() => atServer.length === 1, 'the request at the server');
        const req = atServer[0]!;
        if (!stream) assert.equal(req.source.port, client.ep.port, 'UDP requests leave from the listening port');
        await server.layer.send(req.source, Buffer.from(sipResponse('l2l')), { connectionId: req.connectionId });
        await waitUntil(() => atClient.length === 1, 'the response at the client');
        assert.equal(atClient[0]!.data.toString(), sipResponse('l2l'));
        assert.equal(atClient[0]!.source.port, server.ep.port);
        if (stream) {
          // A second request reuses the connection.
          await client.layer.send(dest, Buffer.from(sipRequest('l2l-2', protocol)));
          await waitUntil(() => atServer.length === 2, 'the second request');
          assert.equal(atServer[1]!.connectionId, req.connectionId);
          assert.equal(client.layer.stats().openConnections, 1);
        }
      });

      it('leaves no socket open once closed', async () => {
        for (const c of cleanups.splice(0).reverse()) await c();
        await waitUntil(() => openSockets().length === 0, `no open sockets (${openSockets().join(', ')})`);
      });
    });
  }
}
