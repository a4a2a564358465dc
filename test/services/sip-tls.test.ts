// Mutual TLS with real peers: Kamailio as the gateway's SBC (SIPp over UDP → Kamailio → TLS with
// its own client certificate → Call Router), following both redirects to the worker; and peers
// refused, each with its reason in the reason phrase and the log: no certificate, an untrusted
// one, an expired one, a name that is no gateway's FQDN, and a TLS call to an Unsecured plan.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeGatewayPki, type GatewayPki, type IssuedCert } from '../support/peers/certs.js';
import { kamailioAvailable, startKamailioSbc, type KamailioProcess } from '../support/peers/kamailio.js';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { inviteOverTls as invite } from '../support/peers/openssl-invite.js';
import { cliJson } from '../support/openum.js';
import { openssl, run } from '../support/run.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.0.71';
const FQDN = 'um.contoso.test';
const SBC_UDP = 15180;
const skip = !sippAvailable() ? 'sipp is not installed' : !kamailioAvailable() ? 'kamailio is not installed' : false;

/** An INVITE over TLS to the site's address (test/support/peers/openssl-invite.ts). */
const inviteOverTls = (port: number, cert?: IssuedCert, user = '1000') => invite(ADDRESS, port, cert, user);

async function servedThumbprint(port: number): Promise<string> {
  const s = await run('openssl', ['s_client', '-connect', `${ADDRESS}:${port}`, '-showcerts'], { input: '', timeoutMs: 10_000 });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(s.stdout)?.[0] ?? '';
  return ((await openssl(['x509', '-noout', '-fingerprint', '-sha1'], { input: pem })).stdout.split('=')[1] ?? '').replace(/:/g, '').trim();
}

describe('mutual TLS with Kamailio and openssl', { skip }, () => {
  let site: UmSite;
  let pki: GatewayPki;
  let sbc: KamailioProcess | undefined;
  let serverThumbprint = '';

  before(async () => {
    site = await startSite(ADDRESS, {
      fqdn: FQDN,
      before: async (data) => {
        pki = await makeGatewayPki(`${data}/../pki`, { serverFqdn: FQDN, gatewayFqdn: 'sbc.contoso.test' });
        const imported = await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', pki.server.pem], { data });
        serverThumbprint = imported.view.thumbprint;
        await must(['trust', 'add', pki.ca.cert], data);
        await must(['service', 'set', '--startup-mode', 'Dual'], data);
        await must(['callrouter', 'set', '--startup-mode', 'Dual'], data);
        await must(['certificate', 'enable', serverThumbprint, '--services', 'UM,UMCallRouter'], data);
        await must(['dialplan', 'new', 'SEC', '--extension-length', '4', '--security', 'SIPSecured'], data);
        await must(['gateway', 'new', 'SBC', '--address', 'sbc.contoso.test', '--dial-plan', 'SEC'], data);
        await must(['gateway', 'new', 'PLAIN', '--address', 'plain.contoso.test', '--dial-plan', 'DP'], data);
        await must(['user', 'new', 'dora', '--extension', '3000', '--dial-plan', 'SEC', '--email', 'dora@contoso.test'], data);
      },
    });
    sbc = await startKamailioSbc({
      udpPort: SBC_UDP, target: { host: ADDRESS, tlsPort: 5061 }, clientCert: pki.gateway.cert, clientKey: pki.gateway.key,
      caFile: pki.ca.cert, workDir: `${site.data}/../kamailio`, followRedirects: true,
    });
  });
  after(async () => {
    await sbc?.stop();
    await site?.stop();
  });

  it('serves the certificate enabled for UMCallRouter on 5061 and for UM on 5063', async () => {
    assert.equal(await servedThumbprint(5061), serverThumbprint);
    assert.equal(await servedThumbprint(5063), serverThumbprint);
  });

  it('carries a call from SIPp through the Kamailio SBC over mutual TLS to a worker', async () => {
    const call = await runSipp({ scenario: 'uac-call', target: `127.0.0.1:${SBC_UDP}`, transport: 'u1', calls: 2, rate: 2, timeoutSec: 25, keys: { service: '3000' }, extraArgs: ['-d', '500'] });
    assert.equal(call.successful, 2, `${call.stderr}\n${call.errors}\n${sbc?.log().slice(-3000)}`);
    assert.equal(call.failed, 0);
    assert.match(call.messages, /m=audio \d+ RTP\/AVP/);
  });

  it('refuses peers over TLS with the reason in the reason phrase and in the log', async () => {
    const untrusted = await pki.untrustedCa.issue('sbc.contoso.test', ['sbc.contoso.test'], { clientAuth: true });
    const expired = await pki.ca.issue('sbc.contoso.test', ['sbc.contoso.test'], { clientAuth: true, expired: true });
    const rogue = await pki.ca.issue('rogue.contoso.test', ['rogue.contoso.test'], { clientAuth: true });
    const plain = await pki.ca.issue('plain.contoso.test', ['plain.contoso.test'], { clientAuth: true });
    const cases: [string, IssuedCert | undefined, RegExp, string?][] = [
      ['no certificate', undefined, /presented no certificate/],
      ['untrusted', untrusted, /Untrusted/],
      ['expired', expired, /DateInvalid/],
      ['not a gateway name', rogue, /no UM IP gateway has an FQDN named in the peer certificate \(rogue\.contoso\.test\)/],
      ['TLS to an Unsecured dial plan', plain, /dial plan DP is Unsecured and requires TCP or UDP/],
    ];
    for (const [what, cert, reason] of cases) {
      const r = await inviteOverTls(5061, cert, '1000');
      assert.equal(r.status, 403, `${what}: ${r.raw.slice(0, 500)}`);
      assert.match(r.reason, reason, what);
    }
    const ok = await inviteOverTls(5061, pki.gateway, '3000');
    assert.equal(ok.status, 302, ok.raw.slice(0, 500));
    assert.match(ok.raw, /5063;transport=tls/);
    await new Promise((r) => setTimeout(r, 300));
    for (const [, , reason] of cases) assert.match(site.server.stderr(), new RegExp(`call refused.*|${reason.source}`));
    assert.match(site.server.stderr(), /"reason":"Forbidden - peer certificate Untrusted/);
  });

  it('takes a new certificate and a startup mode change without dropping the call in progress', async () => {
    const held = runSipp({ scenario: 'uac-call', target: `127.0.0.1:${SBC_UDP}`, transport: 'u1', calls: 1, timeoutSec: 25, keys: { service: '3000' }, extraArgs: ['-d', '4000'] });
    await new Promise((r) => setTimeout(r, 1200));
    const next = await pki.ca.issue(FQDN, [FQDN], { clientAuth: true, serverAuth: true });
    const imported = await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', next.pem], { data: site.data });
    await site.run(['certificate', 'enable', imported.view.thumbprint, '--services', 'UMCallRouter,UM']);
    let seen = '';
    for (let i = 0; i < 20 && seen !== imported.view.thumbprint; i++) {
      await new Promise((r) => setTimeout(r, 250));
      seen = await servedThumbprint(5061);
    }
    assert.equal(seen, imported.view.thumbprint, 'new connections get the new certificate');
    await site.run(['callrouter', 'set', '--startup-mode', 'TLS']);
    const result = await held;
    assert.equal(result.successful, 1, `the call in progress ended normally: ${result.errors}`);
    // TLS only: the Call Router's TCP/UDP port no longer takes calls; TLS still does.
    let tcp = 'open';
    for (let i = 0; i < 20 && tcp.includes('open'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      tcp = (await run('bash', ['-c', `exec 3<>/dev/tcp/${ADDRESS}/5060 && echo open || echo closed`], { timeoutMs: 5000 })).stdout;
    }
    assert.match(tcp, /closed/);
    const again = await runSipp({ scenario: 'uac-call', target: `127.0.0.1:${SBC_UDP}`, transport: 'u1', calls: 1, timeoutSec: 20, keys: { service: '3000' } });
    assert.equal(again.successful, 1, again.errors);
    await site.run(['callrouter', 'set', '--startup-mode', 'Dual']);
  });
});
