// `openum integrate sip-server --kind kamailio` against a real Kamailio: the configuration it
// prints (placeholders filled with certificates made here with openssl, the CA trusted through
// --ca) runs as is; SIPp calls a user over UDP, Kamailio finds nobody registered, diverts the call
// to the voice-mail pilot with a Diversion header naming the user (RFC 5806) and sends it over
// mutual TLS to the Call Router, follows the two redirects to a worker, and the worker records a
// voice message for that user. OpenUM listens on 127.0.136.2, Kamailio on 127.0.136.3.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SipServerIntegration } from '../../src/services/integrations/sip-server-types.js';
import { makeGatewayPki, type GatewayPki } from '../support/peers/certs.js';
import { kamailioAvailable, startKamailio, type KamailioProcess } from '../support/peers/kamailio.js';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { cutPcap, pcapInfo, renderVoicemailScenario, repackPcap, SIPP_G711A, sippPcapsMissing } from '../support/peers/sipp-voicemail.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { cli, cliJson, initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';
import { must, request, statusOf, udpExchange } from '../support/um-setup.js';
import { greetingSeconds, messageIds, waitForMessage } from '../support/voicemail-server.js';

const OPENUM = '127.0.136.2';
const KAMAILIO = '127.0.136.3';
const PHONE_PORT = 13660;
const KAMAILIO_TLS = 13661;
const SIPP_PORT = 13662;
const PHONE_UAS_PORT = 13663;
const POOL = 'pool.contoso.test';
const missing = [sippAvailable() ? '' : 'sipp', kamailioAvailable() ? '' : 'kamailio with tls.so', sippPcapsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;

describe('openum integrate sip-server --kind kamailio, run by a real Kamailio', { skip, timeout: 120_000 }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let data = '';
  let server: RunningServer | undefined;
  let pki: GatewayPki;
  let first: SipServerIntegration;
  let second: SipServerIntegration;
  let secondText = '';
  let kamailio: KamailioProcess | undefined;
  const integrate = ['integrate', 'sip-server', '--fqdn', POOL, '--kind', 'kamailio', '--address', KAMAILIO, '--port', String(KAMAILIO_TLS)];

  before(async () => {
    // Only what this test needs (no startSite: its dial plan, gateway and users cost ~10 s here).
    tmp = tempDir('openum-sip-server-');
    data = join(tmp.path, 'data');
    [pki] = await Promise.all([
      makeGatewayPki(join(tmp.path, 'pki'), { serverFqdn: 'um.contoso.test', gatewayFqdn: POOL }),
      initData(data, 'um.contoso.test'),
    ]);
    await must(['server', 'set', '--sip-address', OPENUM], data);
    await must(['dialplan', 'new', 'SIPDP', '--uri-type', 'SipName', '--extension-length', '4', '--security', 'SIPSecured', '--access-number', '4600'], data);
    await must(['user', 'new', 'frank', '--extension', '2601', '--dial-plan', 'SIPDP', '--email', 'frank@contoso.test', '--sip-uri', 'sip:frank@contoso.test'], data);
    await must(['user', 'new', 'carol', '--extension', '2600', '--dial-plan', 'SIPDP', '--email', 'carol@contoso.test', '--sip-uri', 'sip:carol@contoso.test'], data);
    first = await cliJson<SipServerIntegration>([...integrate, '--ca', pki.ca.cert], { data });
    // What the checks asked for, done by the administrator (the command changes none of it).
    await must(['service', 'set', '--startup-mode', 'Dual', '--rtp-ports', '43600-43799'], data);
    await must(['callrouter', 'set', '--startup-mode', 'Dual'], data);
    const imported = await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', pki.server.pem], { data });
    await must(['certificate', 'enable', imported.view.thumbprint, '--services', 'UM,UMCallRouter'], data);
    // Run again (JSON and text at once: neither has anything left to change).
    [second, secondText] = await Promise.all([
      cliJson<SipServerIntegration>([...integrate, '--ca', pki.ca.cert], { data }),
      must([...integrate, '--ca', pki.ca.cert], data),
    ]);
    server = await startServer(data, { args: ['--sip-address', OPENUM], sip: true });
  });
  after(async () => {
    await kamailio?.stop();
    await server?.stop();
    tmp?.cleanup();
  });

  it('creates the gateway, the hunt group and the trusted root once, and says what mutual TLS still needs', () => {
    assert.deepEqual(first.gateway, { name: POOL, address: POOL, port: KAMAILIO_TLS, state: 'created' });
    assert.deepEqual(first.huntGroups, [{ name: 'SIPDP', dialPlan: 'SIPDP', pilotIdentifier: '', state: 'created' }]);
    assert.equal(first.trustedRoots[0]?.state, 'added');
    assert.equal(first.changed, true);
    assert.equal(first.ready, false);
    const fixes = first.checks.filter((c) => !c.ok).map((c) => c.fix);
    assert.ok(fixes.includes('openum callrouter set --startup-mode Dual'), JSON.stringify(first.checks));
    assert.ok(fixes.includes('openum service set --startup-mode Dual'));
    assert.ok(fixes.some((f) => f?.includes('openum certificate enable THUMBPRINT --services UM,UMCallRouter')));
  });

  it('changes nothing the second time and says so; mutual TLS is then ready', () => {
    assert.equal(second.changed, false);
    assert.equal(second.gateway.state, 'unchanged');
    assert.deepEqual(second.huntGroups.map((g) => g.state), ['unchanged']);
    assert.deepEqual(second.trustedRoots.map((r) => r.state), ['unchanged']);
    assert.equal(second.ready, true, JSON.stringify(second.checks, null, 1));
    assert.match(secondText, /nothing changed: all of it was already in place/);
    assert.match(secondText, /mutual TLS: ready/);
  });

  it('refuses a bad --kind or --fqdn naming the flag, and changes nothing', async () => {
    const [r, ip] = await Promise.all([
      cli(['integrate', 'sip-server', '--fqdn', 'other.contoso.test', '--kind', 'opensips'], { data: data }),
      cli(['integrate', 'sip-server', '--fqdn', '192.0.2.9', '--kind', 'kamailio'], { data: data }),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give --kind kamailio\|asterisk\|generic/);
    assert.equal(ip.code, 2);
    assert.match(ip.stderr, /give --fqdn with the pool or server name, e\.g\. --fqdn pool\.contoso\.com/);
    const gateways = await cliJson<{ name: string }[]>(['gateway', 'list'], { data: data });
    assert.ok(!gateways.some((g) => g.name === 'other.contoso.test'));
  });

  it('prints a Kamailio configuration that Kamailio runs as it is, once the placeholders are filled', async () => {
    const files = new Map(second.files.map((f) => [f.name, f.text]));
    const cfgText = files.get('kamailio.cfg') ?? '';
    assert.match(cfgText, /if \(\$rU == "4600"\) route\(TO_OPENUM\);/);
    assert.match(cfgText, new RegExp(`\\$ru = "sip:" \\+ \\$rU \\+ "@${OPENUM.replace(/\./g, '\\.')}:5061;transport=tls"`));
    assert.match(cfgText, /Diversion: <sip:\$avp\(called\)@contoso\.test>/);
    // The operator's part: the paths of tls.cfg and of the certificates.
    const dir = join(tmp.path, 'kamailio');
    mkdirSync(dir, { recursive: true });
    const fill = (text: string) => text.split('@TLS_CFG@').join(join(dir, 'tls.cfg')).split('@CERTIFICATE@').join(pki.gateway.cert)
      .split('@PRIVATE_KEY@').join(pki.gateway.key).split('@CA_LIST@').join(pki.ca.cert);
    const cfg = fill(cfgText);
    const tls = fill(files.get('tls.cfg') ?? '');
    assert.doesNotMatch(cfg + tls, /@[A-Z_]+@/, 'every placeholder filled');
    writeFileSync(join(dir, 'kamailio.cfg'), cfg);
    writeFileSync(join(dir, 'tls.cfg'), tls);
    kamailio = await startKamailio(join(dir, 'kamailio.cfg'), dir, [{ proto: 'udp', port: PHONE_PORT }, { proto: 'tcp', port: KAMAILIO_TLS }], 'kamailio (printed)', { PHONE_PORT });
  });

  it('carries calls over mutual TLS to voice mail: a user not registered, and a registered phone that answers busy (486)', async () => {
    assert.ok(kamailio, 'Kamailio runs');
    const dir = join(tmp.path, 'kamailio');
    const phone = await startSippUas({ scenario: 'uas-busy', address: KAMAILIO, port: PHONE_UAS_PORT, calls: 1, timeoutSec: 40, transport: 'u1' });
    try {
      const reg = request('REGISTER', `sip:${KAMAILIO}:${PHONE_PORT}`, KAMAILIO, PHONE_UAS_PORT + 10, [
        `Contact: <sip:frank@${KAMAILIO}:${PHONE_UAS_PORT}>`, 'Expires: 120',
      ]).replace(/^To: <[^>]*>/m, `To: <sip:frank@${KAMAILIO}>`).replace(/^From: <[^>]*>/m, `From: <sip:frank@${KAMAILIO}>`);
      assert.equal(statusOf(await udpExchange({ address: KAMAILIO, port: PHONE_PORT }, reg, { timeoutMs: 3000 })).status, 200, 'REGISTER');
      // 3 s of SIPp's own speech (20 ms packets): more than the 2 s that make a message, not a missed call
      const audio = await cutPcap(await repackPcap(SIPP_G711A, join(dir, 'audio-20ms.pcap'), 20), join(dir, 'audio-3s.pcap'), 3);
      const audioMs = Math.round((await pcapInfo(audio)).audioSeconds * 1000) + 300;
      // Both calls at once: carol is diverted in request_route (reason=unavailable), frank in
      // failure_route after his phone's 486 (reason=user-busy).
      const [carol, frank] = await Promise.all([
        leaveMessage({ user: 'carol', extension: '2600', localPort: SIPP_PORT, mediaPort: 33600 }, audio, audioMs),
        leaveMessage({ user: 'frank', extension: '2601', localPort: SIPP_PORT + 2, mediaPort: 33700 }, audio, audioMs),
      ]);
      for (const m of [carol, frank]) assert.equal(m.endReason, 'hangup');
      assert.equal((await phone.done).code, 0, 'the phone got the INVITE, answered 486 and got the ACK');
      // Kamailio sent both to the pilot over TLS (then followed the two redirects).
      const toPilot = new RegExp(`openum: INVITE \\S+ -> sip:4600@${OPENUM.replace(/\./g, '\\.')}:5061;transport=tls`, 'g');
      assert.equal(kamailio.log().match(toPilot)?.length, 2, kamailio.log().slice(-3000));
    } finally {
      await phone.stop();
    }
  });

  async function leaveMessage(c: { user: string; extension: string; localPort: number; mediaPort: number }, audio: string, audioMs: number) {
    const greetingMs = Math.round(greetingSeconds(c.extension) * 1000) + 150;
    const scenario = renderVoicemailScenario(join(tmp.path, 'kamailio', `via-kamailio-${c.user}.xml`), { ending: 'hangup', audioPcap: audio, greetingMs, audioMs });
    const known = await messageIds(data, c.user);
    const started = Date.now();
    const call = await runSipp({
      scenario, target: `${KAMAILIO}:${PHONE_PORT}`, transport: 'u1', calls: 1, timeoutSec: 40, localPort: c.localPort, mediaPort: c.mediaPort,
      keys: { service: c.user, from_user: 'dave' },
    });
    const log = `${call.errors}\n${call.messages.slice(-4000)}\n--- kamailio\n${kamailio?.log().slice(-4000)}\n--- openum\n${server?.stderr().slice(-3000)}`;
    assert.equal(call.successful, 1, log);
    const m = await waitForMessage(data, c.user, known);
    console.log(`via Kamailio: call answered and message stored for ${c.user} in ${Date.now() - started} ms (${m.durationMs} ms recorded)`);
    assert.equal(m.state, 'stored', log);
    assert.ok(Math.abs(m.durationMs / 1000 - (audioMs / 1000 + 0.15)) <= 0.5, `duration ${m.durationMs} ms`);
    return m;
  }
});
