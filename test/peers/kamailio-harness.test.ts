// Validates the real-peer harness itself (test/support/peers) without OpenUM: SIPp and a Kamailio
// SBC against a stand-in UM server (another Kamailio: mutual-TLS "Call Router" answering 302 and a
// "worker" answering 200 + SDP). Skipped, with the reason, when kamailio or sipp is missing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeGatewayPki, type GatewayPki } from '../support/peers/certs.js';
import { kamailioAvailable, startKamailioSbc, startKamailioTarget, type KamailioProcess } from '../support/peers/kamailio.js';
import { runSipp, sippAvailable, parseContact, contactFromMessages } from '../support/peers/sipp.js';
import { tempDir } from '../support/run.js';

const missing = [kamailioAvailable() ? '' : 'kamailio (with tls module)', sippAvailable() ? '' : 'sipp'].filter(Boolean);
const skip = missing.length ? `not installed: ${missing.join(', ')}` : false;

// 127.0.0.1 only; away from the benchmark's 15070/15071 and the server's defaults
const TARGET = { sip: 15170, redirectTls: 15171, workerTls: 15173 };
const SBC = { relay: 15180, follow: 15182, untrusted: 15184 };
const WORKER_CONTACT = `sip:worker@127.0.0.1:${TARGET.workerTls};transport=tls`;

describe('real-peer harness (SIPp, Kamailio SBC, mutual TLS)', { skip, timeout: 60_000 }, () => {
  const tmp = tempDir('openum-peers-');
  let pki: GatewayPki;
  const procs: KamailioProcess[] = [];
  let target: KamailioProcess, relay: KamailioProcess, follow: KamailioProcess;

  before(async () => {
    pki = await makeGatewayPki(join(tmp.path, 'pki'), { serverFqdn: 'um.contoso.test', gatewayFqdn: 'sbc.contoso.test' });
    const rogue = await pki.untrustedCa.issue('rogue-sbc.contoso.test');
    const sbc = (udpPort: number, followRedirects: boolean, cert = pki.gateway) => startKamailioSbc({
      udpPort, target: { host: '127.0.0.1', tlsPort: TARGET.redirectTls }, clientCert: cert.cert, clientKey: cert.key,
      caFile: pki.ca.cert, workDir: join(tmp.path, `sbc-${udpPort}`), followRedirects,
    });
    const started = await Promise.allSettled([
      startKamailioTarget({
        sipPort: TARGET.sip, redirectTlsPort: TARGET.redirectTls, workerTlsPort: TARGET.workerTls,
        serverCert: pki.server.cert, serverKey: pki.server.key, caFile: pki.ca.cert, workDir: join(tmp.path, 'target'),
      }),
      sbc(SBC.relay, false),
      sbc(SBC.follow, true),
      sbc(SBC.untrusted, false, rogue),
    ]);
    for (const s of started) if (s.status === 'fulfilled') procs.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [target, relay, follow] = procs as [KamailioProcess, KamailioProcess, KamailioProcess, KamailioProcess];
  });

  after(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    tmp.cleanup();
  });

  it('parses Contact header values', () => {
    assert.equal(parseContact('<sip:a@b:5063;transport=tls>;expires=60'), 'sip:a@b:5063;transport=tls');
    assert.equal(parseContact('Contact: "x" <sips:a@b>'), 'sips:a@b');
    assert.equal(parseContact('m: sip:a@b:5062;q=1'), 'sip:a@b:5062');
    const log = '----- 2026\nUDP message received [1] bytes :\n\nSIP/2.0 302 Moved\r\nm: <sip:w@h:1;transport=tls>\r\n\r\n';
    assert.equal(contactFromMessages(log), 'sip:w@h:1;transport=tls');
  });

  it('SIPp over UDP and TCP gets the stand-in server\'s 302 and records its Contact', async () => {
    for (const transport of ['u1', 't1'] as const) {
      const r = await runSipp({ scenario: 'uac-302', target: `127.0.0.1:${TARGET.sip}`, transport, calls: 3, rate: 50, timeoutSec: 8, keys: { service: '1000' } });
      assert.equal(r.successful, 3, `${transport}: ${r.stdout.slice(-1500)}${r.errors}`);
      assert.equal(r.failed, 0);
      assert.equal(r.code, 0);
      assert.equal(r.contact, WORKER_CONTACT);
      assert.match(r.messages, /^INVITE sip:1000@127\.0\.0\.1/m);
    }
  });

  it('the SBC relays the INVITE over mutual TLS, presents its certificate and relays the 302 back', async () => {
    const r = await runSipp({
      scenario: 'uac-302', target: `127.0.0.1:${SBC.relay}`, transport: 'u1', calls: 2, rate: 20, timeoutSec: 8,
      keys: { service: '1000' }, headers: ['Diversion: <sip:1000@sbc.contoso.test>;reason=no-answer'],
    });
    assert.equal(r.successful, 2, `${r.stdout.slice(-1500)}${r.errors}\n${relay.log().slice(-3000)}`);
    assert.equal(r.contact, WORKER_CONTACT);
    assert.match(r.messages, /^Diversion: <sip:1000@sbc\.contoso\.test>;reason=no-answer\r?$/m);
    // the target saw the INVITE on its mutual-TLS port with the SBC's certificate
    assert.match(target.log(), /redirects \S+ \(1000\) from 127\.0\.0\.1:\d+\/tls cert=\[sbc\.contoso\.test\]/);
  });

  it('the SBC follows the 302 over TLS to the worker: 200 + SDP, ACK and BYE through the SBC', async () => {
    const r = await runSipp({
      scenario: 'uac-call', target: `127.0.0.1:${SBC.follow}`, transport: 'u1', calls: 1, rate: 1, timeoutSec: 10,
      keys: { service: '1000' }, extraArgs: ['-d', '200'],
    });
    assert.equal(r.successful, 1, `${r.stdout.slice(-1500)}${r.errors}\n${follow.log().slice(-3000)}`);
    assert.match(r.logs, /^answer=m=audio 16000 RTP\/AVP 0 101/m);
    assert.equal(parseContact(/^contact=(.*)$/m.exec(r.logs)?.[1] ?? ''), WORKER_CONTACT);
    // both of the SBC's Record-Routes came back in the 200, so the BYE went through it
    assert.match(r.messages, /^Record-Route: .*127\.0\.0\.1:15182/m);
    const t = target.log();
    assert.match(t, /worker answers \S+ from 127\.0\.0\.1:\d+\/tls cert=\[sbc\.contoso\.test\]/);
    assert.match(t, /target: ACK \S+ on 15173\/tls/);
    assert.match(t, /target: BYE /);
    assert.match(follow.log(), /follows redirect #1/);
  });

  it('a client certificate from an untrusted CA is refused by the mutual-TLS server', async () => {
    const r = await runSipp({ scenario: 'uac-302', target: `127.0.0.1:${SBC.untrusted}`, transport: 'u1', calls: 1, rate: 1, timeoutSec: 3 });
    assert.equal(r.successful, 0);
    assert.equal(r.failed + r.unfinished, 1);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(target.log(), /cert=\[rogue-sbc/);
  });
});
