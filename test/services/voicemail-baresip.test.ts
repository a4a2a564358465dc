// Call answering with a real phone: baresip calls alice through the Call Router (following both
// 302s), plays a message (8 s of silence while the greeting plays, then speech) and hangs up when
// its audio file ends. The stored message must hold the speech that was sent. Over UDP with RTP;
// then on a Secured dial plan over mutual TLS with mandatory SDES-SRTP, where a capture on lo
// must show no plain RTP: every packet both ways carries an SRTP tag and uniformly random payload
// bytes (test/support/rtp-wire.ts), a judgement checked first on the plain UDP call as a control.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareSpeech, describeComparison, type Comparison } from '../support/audio-compare.js';
import { baresipMissing, callAndHangUp, startBaresip, type Baresip } from '../support/peers/baresip.js';
import { makeGatewayPki, type GatewayPki } from '../support/peers/certs.js';
import { countFrames, startCapture, tsharkMissing, udpDatagrams, type Capture } from '../support/peers/tshark.js';
import { cliJson } from '../support/openum.js';
import { judgeStream, rtpStreams, type WireVerdict } from '../support/rtp-wire.js';
import { audioToolsMissing, makeMessageAudio, type MessageAudio } from '../support/test-audio.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { audioFile, greetingReference, messageIds, waitForMessage } from '../support/voicemail-server.js';

const UDP_ADDRESS = '127.0.55.20';
const TLS_ADDRESS = '127.0.55.21';
const FQDN = 'um.contoso.test';
const GATEWAY_FQDN = 'gw.contoso.test';
const SERVER_RTP = { min: 40000, max: 40999 };
const PHONE = { sipPort: 15080, rtpPorts: { min: 31000, max: 31098 } };

const missing = [baresipMissing(), tsharkMissing(), audioToolsMissing()].filter(Boolean).join('; ');
const skip = missing ? `missing: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: voicemail-baresip needs ${missing}`);

interface CallResult {
  comparison: Comparison;
  verdicts: { key: string; verdict: WireVerdict }[];
  capture: Capture;
  phone: Baresip;
  greeting?: Comparison;
}

/** One call from a fresh baresip, captured on lo; returns the stored message's comparison and the wire verdicts. */
async function leaveMessage(site: UmSite, audio: MessageAudio, o: { uri: string; tls?: { pki: GatewayPki }; name: string; user: string }): Promise<CallResult> {
  const known = await messageIds(site.data, o.user);
  const capture = await startCapture({ filter: `host ${site.address} and (udp portrange ${SERVER_RTP.min}-${SERVER_RTP.max + 1} or port 5060 or port 5062 or port 5065 or port 5067)`, file: join(site.tmp.path, `${o.name}.pcap`), maxSec: 60, maxPackets: 20_000 });
  let phone: Baresip | undefined;
  try {
    phone = await startBaresip({
      address: site.address, sipPort: PHONE.sipPort, rtpPorts: PHONE.rtpPorts, audio: audio.message, workDir: join(site.tmp.path, `baresip-${o.name}`),
      timeoutSec: 45, record: true,
      ...(o.tls ? { transport: 'tls' as const, srtp: 'mandatory' as const, certificate: o.tls.pki.gateway.pem, caFile: o.tls.pki.ca.cert } : {}),
    });
    const call = await callAndHangUp(phone, o.uri, { holdSec: 20, establishMs: 15_000 });
    assert.ok(call.heldMs > 12_000, `the call lasted ${call.heldMs} ms: ${call.closed.param ?? ''}`);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- baresip log ---\n${phone?.log().slice(-4000) ?? ''}\n--- server ---\n${site.server.stderr().slice(-4000)}`, { cause: e });
  } finally {
    await phone?.stop();
    await capture.stop();
  }
  const m = await waitForMessage(site.data, o.user, known);
  assert.equal(m.state, 'stored', JSON.stringify(m));
  assert.equal(m.endReason, 'hangup');
  const comparison = await compareSpeech(audio.speech, audioFile(site.data, m));
  const streams = rtpStreams(await udpDatagrams(capture.file), SERVER_RTP);
  const verdicts = streams.map((s) => ({ key: s.key, verdict: judgeStream(s) }));
  // What baresip heard (sndfile, decoded): the greeting, compared with the prompts it is made of.
  const heard = phone.recordings().find((f) => /dec\.wav$/.test(f));
  const greeting = heard ? await compareSpeech(await greetingReference(join(site.tmp.path, `greeting-${o.name}.wav`), '1000'), heard, { toleranceSec: 0.5 }) : undefined;
  return { comparison, verdicts, capture, phone, greeting };
}

const show = (r: CallResult): string => [
  `message: ${describeComparison(r.comparison)}`,
  ...(r.greeting ? [`greeting heard: ${describeComparison(r.greeting)}`] : []),
  ...r.verdicts.map(({ key, verdict: v }) => `${key}: ${v.packets} packets, lengths ${JSON.stringify(v.lengths)}, entropy ${v.entropyBits.toFixed(3)} bits/byte, min distinct ${v.minDistinct}${v.encrypted ? ', SRTP' : `, plain (${v.plainSigns.join('; ')})`}`),
].join('\n');

describe('voice mail from baresip over UDP with RTP', { skip, timeout: 120_000 }, () => {
  let site: UmSite;
  let audio: MessageAudio;
  before(async () => {
    site = await startSite(UDP_ADDRESS, { before: (data) => must(['service', 'set', '--rtp-ports', `${SERVER_RTP.min}-${SERVER_RTP.max}`], data).then(() => undefined) });
    audio = await makeMessageAudio(site.tmp.path);
  });
  after(async () => { await site?.stop(); });

  it('leaves a message through the Call Router that holds the speech sent; the RTP is plain G.711 (control)', async () => {
    const r = await leaveMessage(site, audio, { uri: `sip:1000@${UDP_ADDRESS}`, name: 'udp', user: 'alice' });
    console.log(show(r));
    assert.ok(r.comparison.ok, describeComparison(r.comparison));
    assert.ok(r.greeting?.ok, `the greeting baresip heard: ${r.greeting ? describeComparison(r.greeting) : 'no recording'}`);
    // The judge of the Secured test sees plain RTP here: both directions judged plain.
    assert.equal(r.verdicts.length, 2, show(r));
    for (const { key, verdict } of r.verdicts) {
      assert.equal(verdict.encrypted, false, `${key} judged encrypted on a plain call`);
      assert.deepEqual(Object.keys(verdict.lengths), ['172'], `${key}: plain PCMU at 20 ms is 172 bytes`);
    }
    assert.ok(await countFrames(r.capture.file, 'sip') > 0, 'the capture sees SIP in the clear on this call');
  });
});

describe('voice mail from baresip on a Secured dial plan: mutual TLS and SDES-SRTP', { skip, timeout: 150_000 }, () => {
  let site: UmSite;
  let pki: GatewayPki;
  let audio: MessageAudio;
  before(async () => {
    site = await startSite(TLS_ADDRESS, {
      fqdn: FQDN,
      before: async (data) => {
        pki = await makeGatewayPki(join(data, '..', 'pki'), { serverFqdn: FQDN, gatewayFqdn: GATEWAY_FQDN });
        const imported = await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', pki.server.pem], { data });
        await must(['trust', 'add', pki.ca.cert], data);
        await must(['service', 'set', '--startup-mode', 'Dual', '--rtp-ports', `${SERVER_RTP.min}-${SERVER_RTP.max}`], data);
        await must(['callrouter', 'set', '--startup-mode', 'Dual'], data);
        await must(['certificate', 'enable', imported.view.thumbprint, '--services', 'UM,UMCallRouter'], data);
        await must(['dialplan', 'new', 'SEC', '--extension-length', '4', '--security', 'Secured'], data);
        await must(['gateway', 'new', 'SBC', '--address', GATEWAY_FQDN, '--dial-plan', 'SEC'], data);
        await must(['user', 'new', 'dora', '--extension', '3000', '--dial-plan', 'SEC', '--email', 'dora@contoso.test'], data);
      },
    });
    audio = await makeMessageAudio(site.tmp.path);
  });
  after(async () => { await site?.stop(); });

  it('leaves a message over TLS with SRTP both ways; no plain RTP and no SIP in the clear on the wire', async () => {
    const r = await leaveMessage(site, audio, { uri: `sip:3000@${TLS_ADDRESS}:5061;transport=tls`, tls: { pki }, name: 'tls', user: 'dora' });
    console.log(show(r));
    assert.ok(r.comparison.ok, describeComparison(r.comparison));
    assert.match(r.phone.log(), /srtp|SRTP/, 'baresip used its srtp module');
    assert.equal(r.verdicts.length, 2, `one direction each way: ${show(r)}`);
    for (const { key, verdict } of r.verdicts) {
      assert.ok(verdict.packets > 300, `${key}: ${verdict.packets} packets`);
      assert.ok(verdict.encrypted, `${key} is not SRTP: ${verdict.plainSigns.join('; ')}`);
    }
    assert.equal(new Set(r.verdicts.map((v) => v.verdict.tagLength)).size, 1, 'both directions use the same suite');
    // The capture also held the plain SIP ports (5060/5062/5065/5067): nothing used them.
    assert.equal(await countFrames(r.capture.file, 'sip || sdp || tcp.port in {5060,5062,5065,5067} || udp.port in {5060,5062,5065,5067}'), 0);
  });
});
