// POST /api/integrations/sip-server (and the configuration it prints for Asterisk and any other
// SIP server): the same work as `openum integrate sip-server`, refusals in API words that change
// nothing, a second call that changes nothing and says so. The Kamailio configuration is run by a
// real Kamailio in test/services/sip-server-kamailio.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SipServerIntegration } from '../../src/services/integrations/sip-server-types.js';
import { startAdminInProcess, type InProcessAdmin } from '../support/admin-in-process.js';
import { makeGatewayPki, type GatewayPki } from '../support/peers/certs.js';
import { tempDir } from '../support/run.js';

const ROUTE = '/api/integrations/sip-server';

describe('POST /api/integrations/sip-server', () => {
  let admin: InProcessAdmin;
  let pki: GatewayPki;
  const tmp = tempDir('openum-sip-server-');

  const post = async (body: unknown) => {
    const r = await admin.call('POST', ROUTE, { body });
    return { status: r.status, body: r.json() as SipServerIntegration & { error?: string; message?: string } };
  };
  const gatewayNames = async () => ((await admin.call('GET', '/api/gateways')).json() as { name: string }[]).map((g) => g.name).sort();
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await admin.call(method, path, { body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.body}`);
  };

  before(async () => {
    admin = await startAdminInProcess('127.0.136.10');
    pki = await makeGatewayPki(join(tmp.path, 'pki'), { serverFqdn: 'um.contoso.test', gatewayFqdn: 'pbx.contoso.test' });
  });
  after(async () => {
    await admin?.close();
    tmp.cleanup();
  });

  it('without a SipName dial plan says which call makes one, and creates nothing', async () => {
    const r = await post({ fqdn: 'pbx.contoso.test', kind: 'asterisk' });
    assert.equal(r.status, 404);
    assert.equal(r.body.error, 'DIAL_PLAN_NOT_FOUND');
    assert.match(r.body.message ?? '', /POST \/api\/dialplans \{ name, uriType: "SipName", voipSecurity: "SIPSecured" \}/);
    assert.doesNotMatch(r.body.message ?? '', /openum |--/);
    assert.deepEqual(await gatewayNames(), []);
  });

  it('refuses a bad kind, an IP for fqdn, a bad address and a CA file that is no CA, naming the field; nothing changes', async () => {
    await ok('POST', '/api/dialplans', { name: 'SIPDP', uriType: 'SipName', extensionLength: 4, voipSecurity: 'SIPSecured', accessNumbers: ['+14255550100'] });
    const leaf = readFileSync(pki.gateway.cert, 'utf8');
    const cases: [unknown, number, string, RegExp][] = [
      [{ fqdn: 'pbx.contoso.test', kind: 'opensips' }, 400, 'BAD_ARGUMENT', /give kind: one of kamailio, asterisk, generic/],
      [{ fqdn: '192.0.2.7', kind: 'generic' }, 400, 'BAD_ARGUMENT', /give fqdn with the pool or server name/],
      [{ fqdn: 'pbx', kind: 'generic' }, 400, 'BAD_ARGUMENT', /give fqdn/],
      [{ fqdn: 'pbx.contoso.test', kind: 'generic', address: 'pbx.contoso.test' }, 400, 'BAD_ARGUMENT', /give address: "192\.0\.2\.10"/],
      [{ fqdn: 'pbx.contoso.test', kind: 'generic', ca: leaf }, 400, 'NOT_A_CA', /add the CA that issued it/],
      [{ fqdn: 'pbx.contoso.test', kind: 'generic', dialPlan: 'Nope' }, 404, 'DIAL_PLAN_NOT_FOUND', /GET \/api\/dialplans lists them/],
      [{ fqdn: 'pbx.contoso.test', kind: 'generic', port: 70000 }, 400, 'BAD_SETTING', /from 1 to 65535/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await post(body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.error, code, JSON.stringify(r.body));
      assert.match(r.body.message ?? '', message);
      assert.doesNotMatch(r.body.message ?? '', /openum |--[a-z]/);
    }
    assert.deepEqual(await gatewayNames(), []);
    assert.deepEqual((await admin.call('GET', '/api/trust')).json(), []);
  });

  it('creates the gateway, hunt group and trusted root, and answers pjsip.conf and extensions.conf for Asterisk', async () => {
    await ok('POST', '/api/users', { name: 'erin', extension: '3100', dialPlan: 'SIPDP', email: 'erin@contoso.test', sipUri: 'sip:erin@contoso.test' });
    await ok('POST', '/api/autoattendants', { name: 'Main', dialPlan: 'SIPDP', numbers: ['+14255550111'] });
    const r = await post({ fqdn: 'PBX.contoso.test', kind: 'asterisk', ca: readFileSync(pki.ca.cert, 'utf8'), address: '192.0.2.20' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.gateway, { name: 'pbx.contoso.test', address: 'pbx.contoso.test', port: 5061, state: 'created' });
    assert.deepEqual(r.body.huntGroups, [{ name: 'SIPDP', dialPlan: 'SIPDP', pilotIdentifier: '', state: 'created' }]);
    assert.equal(r.body.trustedRoots[0]?.state, 'added');
    assert.equal(r.body.changed, true);
    // Checks in API words: the startup modes are TCP and nothing serves UM/UMCallRouter over TLS.
    assert.equal(r.body.ready, false);
    const fixes = r.body.checks.filter((c) => !c.ok).map((c) => c.fix ?? '');
    assert.ok(fixes.includes('PATCH /api/callrouter { "startupMode": "Dual" }'), JSON.stringify(r.body.checks));
    assert.ok(fixes.every((f) => !/openum |--[a-z]/.test(f)), fixes.join('\n'));
    const [pjsip, extensions] = r.body.files;
    assert.equal(pjsip?.name, 'pjsip.conf');
    assert.match(pjsip?.text ?? '', /^protocol=tls$/m);
    assert.match(pjsip?.text ?? '', /^bind=192\.0\.2\.20:5061$/m);
    assert.match(pjsip?.text ?? '', /^contact=sip:um\.contoso\.test:5061;transport=tls$/m);
    assert.match(pjsip?.text ?? '', /^cert_file=@CERTIFICATE@$/m);
    assert.equal(extensions?.name, 'extensions.conf');
    assert.match(extensions?.text ?? '', /^exten => \+14255550100,1,Dial\(PJSIP\/\+14255550100@openum\)/m);
    assert.match(extensions?.text ?? '', /^exten => \+14255550111,1,Dial\(PJSIP\/\+14255550111@openum\)\s+; auto attendant Main/m);
    assert.match(extensions?.text ?? '', /Diversion\)=<sip:\$\{ARG1\}@\$\{USER_DOMAIN\}>;reason=\$\{ARG2\}/);
    assert.match(extensions?.text ?? '', /^USER_DOMAIN=contoso\.test/m);
  });

  it('changes nothing the second time and says so; generic describes the trunk', async () => {
    const r = await post({ fqdn: 'pbx.contoso.test', kind: 'generic', ca: readFileSync(pki.ca.cert).toString('base64') });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.changed, false);
    assert.equal(r.body.gateway.state, 'unchanged');
    assert.deepEqual(r.body.huntGroups.map((g) => g.state), ['unchanged']);
    assert.deepEqual(r.body.trustedRoots.map((t) => t.state), ['unchanged']);
    const text = r.body.files[0]?.text ?? '';
    assert.match(text, /host {7}um\.contoso\.test/);
    assert.match(text, /port {7}5061/);
    assert.match(text, /transport {2}TLS \(mutual/);
    assert.match(text, /names pbx\.contoso\.test/);
    assert.match(text, /\+14255550100 {2}subscriber access/);
    assert.match(text, /Diversion: <sip:alice@contoso\.test>;reason=no-answer/);
    // a new port updates the gateway, and only that
    const moved = await post({ fqdn: 'pbx.contoso.test', kind: 'generic', port: 5071 });
    assert.equal(moved.body.gateway.state, 'updated');
    assert.equal(moved.body.gateway.port, 5071);
    assert.equal(moved.body.changed, true);
  });

  it('a second SipName dial plan gets a hunt group by its access number; without one it is refused and nothing changes', async () => {
    await ok('POST', '/api/dialplans', { name: 'SIP2', uriType: 'SipName', extensionLength: 4, voipSecurity: 'SIPSecured' });
    const refused = await post({ fqdn: 'pbx.contoso.test', kind: 'generic' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message ?? '', /PATCH \/api\/dialplans\/SIP2 \{ accessNumbers \}/);
    assert.equal(((await admin.call('GET', '/api/huntgroups')).json() as unknown[]).length, 1);
    await ok('PATCH', '/api/dialplans/SIP2', { accessNumbers: ['4200'] });
    const r = await post({ fqdn: 'pbx.contoso.test', kind: 'generic' });
    assert.deepEqual(r.body.huntGroups.map((g) => [g.name, g.pilotIdentifier, g.state]), [['SIP2', '4200', 'created'], ['SIPDP', '', 'unchanged']]);
  });
});
