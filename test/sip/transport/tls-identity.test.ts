// TLS identity at the transport: what the peer presented is reported (RFC 5630 §3, RFC 5922 §7),
// never judged; a certificate swap applies to new connections at once while open ones keep
// theirs (ARCHITECTURE.md); a real third-party client (openssl s_client) reaches the handler.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SecureContext } from 'node:tls';
import { TransportLayer } from '../../../src/sip/transport/transport-layer.js';
import type { Endpoint, InboundMessage } from '../../../src/sip/transport/types.js';
import { openssl, run, tempDir } from '../../support/run.js';
import {
  collect, makeCerts, openSockets, rawPeer, sipRequest, sipResponse, waitUntil, type TestCerts,
} from './harness.js';

/** The SHA-1 fingerprint of the certificate a new connection to `port` sees, by openssl itself. */
async function fingerprintSeenBy(port: number): Promise<string> {
  const s = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`], { timeoutMs: 10_000 });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(s.stdout)?.[0];
  assert.ok(pem, `s_client printed no certificate: ${s.stderr}`);
  const fp = await openssl(['x509', '-noout', '-fingerprint', '-sha1'], { input: pem });
  return fp.stdout.trim().replace(/^.*Fingerprint=/i, '');
}

describe('TLS identity', () => {
  const tmp = tempDir();
  let certs: TestCerts;
  let current: SecureContext | undefined;
  let layer: TransportLayer;
  let ep: Endpoint;
  let got: InboundMessage[];

  before(async () => {
    certs = await makeCerts(tmp.path);
    current = certs.serverA.context;
    layer = new TransportLayer({ tls: { secureContext: () => current } });
    ep = await layer.listen({ protocol: 'tls', address: '127.0.0.1', port: 0 });
    got = collect(layer);
  });
  after(async () => {
    await layer.close();
    tmp.cleanup();
    await waitUntil(() => openSockets().length === 0, `no open sockets (${openSockets().join(', ')})`);
  });

  it('reports the certificate a client presents (mutual TLS) and none when it presents none', async () => {
    got.length = 0;
    const withCert = await rawPeer('tls', '127.0.0.1', ep.port, certs.client);
    const without = await rawPeer('tls', '127.0.0.1', ep.port);
    await withCert.write(sipRequest('mtls', 'TLS'));
    await waitUntil(() => got.length === 1, 'the mutual-TLS message');
    await without.write(sipRequest('anon', 'TLS'));
    await waitUntil(() => got.length === 2, 'the anonymous message');
    const [m1, m2] = got as [InboundMessage, InboundMessage];
    assert.deepEqual(m1.peer?.der, certs.client.der);
    assert.deepEqual(layer.peerOf(m1.connectionId!)?.der, certs.client.der);
    assert.equal(m2.peer, undefined);
    assert.equal(layer.peerOf(m2.connectionId!), undefined);
    await withCert.close();
    await without.close();
  });

  it('reports the chain a peer sends, both ways, between two layers', async () => {
    const client = new TransportLayer({ tls: { secureContext: () => certs.client.context } });
    try {
      got.length = 0;
      const info = await client.connect({ protocol: 'tls', address: '127.0.0.1', port: ep.port });
      assert.equal(info.direction, 'outbound');
      assert.deepEqual(info.peer?.der, certs.serverA.der);
      assert.deepEqual(client.peerOf(info.connectionId)?.der, certs.serverA.der);
      await client.send({ protocol: 'tls', address: '127.0.0.1', port: ep.port }, Buffer.from(sipRequest('chain', 'TLS')),
        { connectionId: info.connectionId });
      await waitUntil(() => got.length === 1, 'the message');
      assert.deepEqual(got[0]!.peer?.der, certs.client.der);
      assert.deepEqual(got[0]!.peer?.chain, [certs.caDer], 'the client context sends its issuer');
    } finally {
      await client.close();
    }
  });

  it('a swapped context is seen by new connections at once; an open connection keeps working', async () => {
    got.length = 0;
    current = certs.serverA.context;
    const old = await rawPeer('tls', '127.0.0.1', ep.port);
    assert.equal(await fingerprintSeenBy(ep.port), certs.serverA.sha1);
    for (let i = 0; i < 5; i++) {
      current = i % 2 ? certs.serverA.context : certs.serverB.context;
      assert.equal(await fingerprintSeenBy(ep.port), i % 2 ? certs.serverA.sha1 : certs.serverB.sha1, `swap ${i}`);
      await old.write(sipRequest(`old-${i}`, 'TLS'));
    }
    await waitUntil(() => got.length === 5, 'the old connection\'s messages');
    const last = got[4]!;
    await layer.send(last.source, Buffer.from(sipResponse('old')), { connectionId: last.connectionId });
    await waitUntil(() => old.bytes.toString() === sipResponse('old'), 'the answer on the old connection');
    current = certs.serverA.context;
    await old.close();
  });

  it('refuses TLS connections while the provider has no certificate', async () => {
    current = undefined;
    await assert.rejects(rawPeer('tls', '127.0.0.1', ep.port));
    current = certs.serverA.context;
  });

  it('a real client (openssl s_client with a certificate) reaches the handler with peer set', async () => {
    got.length = 0;
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${ep.port}`, '-cert', certs.client.cert,
      '-key', certs.client.key, '-quiet', '-no_ign_eof'], { input: sipRequest('openssl', 'TLS'), timeoutMs: 10_000 });
    await waitUntil(() => got.length === 1, `the OPTIONS from s_client (${r.stderr})`);
    assert.equal(got[0]!.data.toString(), sipRequest('openssl', 'TLS'));
    assert.deepEqual(got[0]!.peer?.der, certs.client.der);
  });
});
