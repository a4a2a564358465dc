// The refusal the admin center must explain best: a peer over mutual TLS whose certificate names
// no UM IP gateway ("no UM IP gateway has an FQDN named in the peer certificate"), sent by a real
// TLS client (openssl s_client), is in GET /api/refusals and `openum refusals` with its reason;
// a TLS peer that is a gateway of an Unsecured dial plan is refused naming that gateway.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RefusalEntry } from '../../src/services/routing/refusal-log.js';
import { api } from '../support/api.js';
import { cli, cliJson } from '../support/openum.js';
import { makeGatewayPki, type GatewayPki } from '../support/peers/certs.js';
import { inviteOverTls } from '../support/peers/openssl-invite.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.113.20';
const FQDN = 'um.contoso.test';

describe('refusals over mutual TLS, with their reasons', { timeout: 90_000 }, () => {
  let site: UmSite;
  let pki: GatewayPki;
  before(async () => {
    site = await startSite(ADDRESS, {
      fqdn: FQDN,
      before: async (data) => {
        pki = await makeGatewayPki(`${data}/../pki`, { serverFqdn: FQDN, gatewayFqdn: 'sbc.contoso.test' });
        const imported = await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', pki.server.pem], { data });
        await must(['trust', 'add', pki.ca.cert], data);
        await must(['callrouter', 'set', '--startup-mode', 'Dual'], data);
        await must(['certificate', 'enable', imported.view.thumbprint, '--services', 'UMCallRouter'], data);
        await must(['gateway', 'new', 'PLAIN', '--address', 'plain.contoso.test', '--dial-plan', 'DP'], data);
      },
    });
  });
  after(async () => { await site?.stop(); });

  it('lists the rogue certificate and the wrong transport with reason, peer, transport and gateway', async () => {
    const rogue = await pki.ca.issue('rogue.contoso.test', ['rogue.contoso.test'], { clientAuth: true });
    const plain = await pki.ca.issue('plain.contoso.test', ['plain.contoso.test'], { clientAuth: true });
    assert.equal((await inviteOverTls(ADDRESS, 5061, rogue)).status, 403);
    assert.equal((await inviteOverTls(ADDRESS, 5061, plain)).status, 403);

    const r = await api(site.server.port, 'GET', '/api/refusals?limit=10', { token: site.token });
    assert.equal(r.status, 200, r.body);
    const [wrongTransport, noGateway] = (r.json() as { refusals: RefusalEntry[] }).refusals;
    assert.deepEqual({ ...noGateway, at: undefined, peer: undefined }, {
      at: undefined, peer: undefined, role: 'callRouter', status: 403, method: 'INVITE', transport: 'tls', gateway: null,
      reason: 'Forbidden - no UM IP gateway has an FQDN named in the peer certificate (rogue.contoso.test)',
      from: 'sip:gw@127.0.0.1', to: `sip:1000@${ADDRESS}`,
    });
    assert.match(noGateway?.peer ?? '', /^127\.0\.0\.1:\d+$/);
    assert.deepEqual([wrongTransport?.reason, wrongTransport?.gateway], ['Forbidden - dial plan DP is Unsecured and requires TCP or UDP', 'PLAIN']);

    const table = await cli(['refusals'], { data: site.data });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Call Router\s+403\s+INVITE.*TLS\s+-\s+Forbidden - no UM IP gateway has an FQDN named in the peer certificate \(rogue\.contoso\.test\)$/m);
  });
});
