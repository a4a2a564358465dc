// The outbound client's TLS checks (RFC 5922 §7.2): before anything is sent, a gateway dialled
// by FQDN must present a certificate that chains to the trust list and names that FQDN. Real TLS
// servers on loopback with certificates from a throw-away CA (openssl); the FQDN resolves through
// test/fixtures/dns-hosts.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { OutboundClient, OutboundError } from '../../src/services/sip/outbound-client.js';
import { PeerVerifier } from '../../src/services/sip/peer-verifier.js';
import { TransactionLayer } from '../../src/sip/transaction/transaction-layer.js';
import { TransportLayer } from '../../src/sip/transport/transport-layer.js';
import { cli, initData } from '../support/openum.js';
import { makeGatewayPki, type GatewayPki, type IssuedCert } from '../support/peers/certs.js';
import { fixture } from '../support/peers/proc.js';
import { tempDir } from '../support/run.js';

const GW = '127.0.102.50';
const ROGUE = '127.0.102.51';
const UNTRUSTED = '127.0.102.52';

describe('outbound client: TLS to a gateway by FQDN', () => {
  let tmp: ReturnType<typeof tempDir>;
  let node: OpenNode;
  let pki: GatewayPki;
  let client: OutboundClient;
  let transport: TransportLayer;
  const servers: Server[] = [];
  const serve = (address: string, cert: IssuedCert): Promise<number> => new Promise((resolve) => {
    const s = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (sock) => sock.on('error', () => undefined));
    servers.push(s);
    s.listen(0, address, () => resolve((s.address() as { port: number }).port));
  });
  const ports: Record<string, number> = {};

  before(async () => {
    process.env.OPENUM_TEST_HOSTS = `gw.contoso.test=${GW},rogue.contoso.test=${ROGUE},untrusted.contoso.test=${UNTRUSTED}`;
    await import(fixture('dns-hosts.mjs'));
    tmp = tempDir('openum-outbound-');
    const data = join(tmp.path, 'data');
    await initData(data, 'um.contoso.test');
    pki = await makeGatewayPki(join(tmp.path, 'pki'), { serverFqdn: 'um.contoso.test', gatewayFqdn: 'gw.contoso.test' });
    assert.equal((await cli(['trust', 'add', pki.ca.cert], { data })).code, 0);
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    const verifier = new PeerVerifier(node.store.db);
    await verifier.reload();
    transport = new TransportLayer();
    client = new OutboundClient({ layer: new TransactionLayer(transport), transport, verifier });
    ports.gw = await serve(GW, pki.gateway);
    ports.rogue = await serve(ROGUE, await pki.ca.issue('other.contoso.test', ['other.contoso.test']));
    ports.untrusted = await serve(UNTRUSTED, await pki.untrustedCa.issue('untrusted.contoso.test', ['untrusted.contoso.test']));
  });
  after(async () => {
    await transport?.close();
    for (const s of servers) s.close();
    await node?.close();
    tmp?.cleanup();
  });

  it('connects to a gateway whose trusted certificate names the FQDN', async () => {
    const hop = await client.connect({ protocol: 'tls', address: 'gw.contoso.test', port: ports.gw ?? 0 });
    assert.equal(hop.dest.address, GW);
    assert.ok(hop.connectionId);
  });

  it('refuses a trusted certificate for another name', async () => {
    await assert.rejects(client.connect({ protocol: 'tls', address: 'rogue.contoso.test', port: ports.rogue ?? 0 }),
      (e: unknown) => e instanceof OutboundError && /names other\.contoso\.test, not rogue\.contoso\.test/.test(e.message));
  });

  it('refuses a certificate from a CA outside the trust list', async () => {
    await assert.rejects(client.connect({ protocol: 'tls', address: 'untrusted.contoso.test', port: ports.untrusted ?? 0 }),
      (e: unknown) => e instanceof OutboundError && /TLS peer refused: peer certificate Untrusted/.test(e.message));
  });

  it('says which name did not resolve', async () => {
    await assert.rejects(client.connect({ protocol: 'tls', address: 'nowhere.invalid', port: 5061 }),
      (e: unknown) => e instanceof OutboundError && /cannot resolve nowhere\.invalid/.test(e.message));
  });
});
