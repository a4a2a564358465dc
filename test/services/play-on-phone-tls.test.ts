// Play on Phone over TLS: the dial plan is SIPSecured, its gateway is addressed by FQDN
// (gw.contoso.test, resolved for the server by test/fixtures/dns-hosts.mjs) and is Kamailio
// (test/fixtures/kamailio/gateway-tls.cfg.in) presenting a certificate for that name and asking
// for ours (mutual TLS); it hands the call to a SIPp phone over UDP. The worker checks the
// gateway's chain and name (RFC 5922 §7.2) before sending the INVITE; the audio the phone gets
// must be the message. The number is one of the plan's own extensions (the default rule).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/org/users.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { compareSpeech, describeComparison } from '../support/audio-compare.js';
import { cli, cliJson } from '../support/openum.js';
import { makeGatewayPki, type GatewayPki } from '../support/peers/certs.js';
import { kamailioAvailable, startKamailio, type KamailioProcess } from '../support/peers/kamailio.js';
import { fixture, renderTemplate } from '../support/peers/proc.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { startCapture, tsharkMissing, udpDatagrams } from '../support/peers/tshark.js';
import { audioToolsMissing, speech } from '../support/test-audio.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { addMessage, freePortOn } from '../support/voicemail.js';
import { rtpToWav } from '../support/rtp-audio.js';

const ADDRESS = '127.0.102.40';
const PHONE = '127.0.102.41';
const GW_UDP = '127.0.102.42';
const GW_TLS = '127.0.102.43';
const GW_FQDN = 'gw.contoso.test';
const FQDN = 'um.contoso.test';
const PHONE_MEDIA = 33100;
const missing = [sippAvailable() ? '' : 'sipp', kamailioAvailable() ? '' : 'kamailio with tls', tsharkMissing(), audioToolsMissing()].filter(Boolean).join(', ');

describe('Play on Phone over TLS through a Kamailio gateway', { skip: missing ? `not installed: ${missing}` : false, timeout: 150_000 }, () => {
  let site: UmSite;
  let node: OpenNode;
  let pki: GatewayPki;
  let gateway: KamailioProcess | undefined;
  let messageId: number;
  let speechWav: string;
  let phonePort: number;

  before(async () => {
    const tlsPort = await freePortOn(GW_TLS);
    const gwUdpPort = await freePortOn(GW_UDP);
    phonePort = await freePortOn(PHONE);
    site = await startSite(ADDRESS, {
      fqdn: FQDN,
      env: { NODE_OPTIONS: `--import ${fixture('dns-hosts.mjs')}`, OPENUM_TEST_HOSTS: `${GW_FQDN}=${GW_TLS}` },
      before: async (data) => {
        pki = await makeGatewayPki(join(data, '..', 'pki'), { serverFqdn: FQDN, gatewayFqdn: GW_FQDN });
        const imported = await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', pki.server.pem], { data });
        await must(['trust', 'add', pki.ca.cert], data);
        await must(['service', 'set', '--startup-mode', 'Dual', '--rtp-ports', '42000-42999'], data);
        await must(['callrouter', 'set', '--startup-mode', 'Dual'], data);
        await must(['certificate', 'enable', imported.view.thumbprint, '--services', 'UM,UMCallRouter'], data);
        await must(['dialplan', 'new', 'SEC', '--extension-length', '4', '--security', 'SIPSecured'], data);
        await must(['gateway', 'new', 'TLSGW', '--address', GW_FQDN, '--port', String(tlsPort), '--dial-plan', 'SEC'], data);
        await must(['user', 'new', 'carol', '--extension', '3000', '--dial-plan', 'SEC', '--email', 'carol@contoso.test'], data);
      },
    });
    const workDir = join(site.tmp.path, 'kamailio');
    mkdirSync(workDir, { recursive: true });
    renderTemplate(fixture('kamailio', 'gateway-tls-tls.cfg.in'), join(workDir, 'tls.cfg'), { CERT: pki.gateway.cert, KEY: pki.gateway.key, CA_FILE: pki.ca.cert });
    const cfg = renderTemplate(fixture('kamailio', 'gateway-tls.cfg.in'), join(workDir, 'gateway.cfg'), {
      DEBUG: 2, TLS_ADDR: GW_TLS, TLS_PORT: tlsPort, UDP_ADDR: GW_UDP, UDP_PORT: gwUdpPort, PHONE: `${PHONE}:${phonePort}`, WORK_DIR: workDir,
    });
    gateway = await startKamailio(cfg, workDir, [{ proto: 'tcp', port: tlsPort }, { proto: 'udp', port: gwUdpPort }], 'kamailio gateway');
    node = await openNode({ dataDir: site.data, actor: { name: 'test' } });
    const carol = await findUser(node.store.db, 'carol');
    const m = await addMessage(node.store.db, site.data, { serverName: node.serverName ?? '', userId: carol?.id ?? 0 });
    speechWav = await speech('Carol, the delivery arrives on Thursday morning.', join(site.tmp.path, 'speech.wav'));
    copyFileSync(speechWav, m.file);
    messageId = m.id;
  });
  after(async () => {
    await gateway?.stop();
    await node?.close();
    await site?.stop();
  });

  it('places the call over TLS to the FQDN gateway and the phone hears the message', async () => {
    const phone = await startSippUas({ scenario: 'uas-answer', address: PHONE, port: phonePort, calls: 1, timeoutSec: 60, transport: 'u1', extraArgs: ['-mp', String(PHONE_MEDIA)] });
    const capture = await startCapture({ filter: `udp and dst host ${PHONE} and dst port ${PHONE_MEDIA}`, file: join(site.tmp.path, 'pop-tls.pcap'), maxSec: 60 });
    const r = await cli(['voicemail', 'play-on-phone', String(messageId), '--number', '3999', '--wait', '--json'], { data: site.data });
    await capture.stop();
    const sipp = await phone.done;
    assert.equal(r.code, 0, r.stderr);
    const call = JSON.parse(r.stdout) as { state: string };
    assert.equal(call.state, 'completed', `${r.stdout}\n${site.server.stderr().slice(-4000)}\n${gateway?.log().slice(-3000)}`);
    assert.equal(sipp.code, 0, `SIPp: ${sipp.errors}\n${sipp.messages.slice(-3000)}`);
    assert.match(gateway?.log() ?? '', /gateway: INVITE sip:3999@gw\.contoso\.test:\d+;transport=tls;user=phone from [\d.]+:\d+ over tls/);
    const received = join(site.tmp.path, 'received.wav');
    const packets = rtpToWav(await udpDatagrams(capture.file), PHONE_MEDIA, received);
    assert.ok(packets > 100, `RTP packets received: ${packets}`);
    const c = await compareSpeech(speechWav, received);
    console.log(`play-on-phone tls: ${describeComparison(c)}`);
    assert.ok(c.ok, describeComparison(c));
  });
});
