// Call answering with SIPp as the gateway, straight to a UM worker (5065): a call diverted to the
// pilot number with a Diversion header for alice. SIPp waits out the greeting, plays its own
// g711a.pcap (A-law speech, 7.08 s; re-cut into 20 ms packets, and once as shipped in 30 ms
// packets) and then presses '#' (RFC 4733, appended to the same RTP stream by
// test/fixtures/sipp/rtp-pcap.mjs), or hangs up, or hangs up after 1 s. The store must then hold a
// stored message (endReason dtmf / hangup) with the sent audio, or a missed call.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareSpeech, describeComparison, readWav } from '../support/audio-compare.js';
import { runSipp, sippAvailable, type SippResult } from '../support/peers/sipp.js';
import { renderVoicemailScenario, sippPcapsMissing, voicemailPcaps, type Ending } from '../support/peers/sipp-voicemail.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { audioFile, callEndedLines, greetingSeconds, messageIds, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.55.10';
const RTP_PORTS = '40000-40999';
const SIPP_MEDIA_PORT = 32000;
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing(), audioToolsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: voicemail-sipp needs ${missing}`);

describe('voice mail: SIPp leaves messages at a worker', { skip, timeout: 180_000 }, () => {
  let site: UmSite;
  let pcaps: Awaited<ReturnType<typeof voicemailPcaps>>;
  // the audio starts 150 ms after the tone ends, by the asset lengths
  const greetingMs = Math.round(greetingSeconds('1000') * 1000) + 150;

  before(async () => {
    site = await startSite(ADDRESS, { before: (data) => must(['service', 'set', '--rtp-ports', RTP_PORTS], data).then(() => undefined) });
    pcaps = await voicemailPcaps(site.tmp.path);
  });
  after(async () => { await site?.stop(); });

  async function call(name: string, ending: Ending, audioPcap: string, audioMs: number): Promise<SippResult> {
    const scenario = renderVoicemailScenario(join(site.tmp.path, `${name}.xml`), { ending, audioPcap, greetingMs, audioMs, byeWaitMs: 25_000 });
    return runSipp({
      scenario, target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 45, mediaPort: SIPP_MEDIA_PORT, localPort: 15060,
      keys: { service: '4000', from_user: '+15551230001' }, headers: [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`],
    });
  }

  const callIdOf = (r: SippResult): string | undefined => /^Call-ID:\s*(\S+)/im.exec(r.messages)?.[1];

  async function leaveMessageWithHash(name: string, pcap: string): Promise<void> {
    const known = await messageIds(site.data, 'alice');
    const r = await call(name, 'dtmf', pcap, 0);
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.logs}\n${r.messages.slice(-3000)}\n${site.server.stderr().slice(-3000)}`);
    assert.match(r.messages, /^BYE sip:/m, 'the worker sent BYE');
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'stored');
    assert.equal(m.endReason, 'dtmf');
    // The recording runs from the tone to the '#': the audio (7.08 s) plus the 150 ms we waited.
    const expected = pcaps.audioSeconds + 0.15;
    assert.ok(Math.abs(m.durationMs / 1000 - expected) <= 0.3, `duration ${m.durationMs} ms, expected ${expected.toFixed(2)} s ± 0.3`);
    const wav = readWav(audioFile(site.data, m));
    assert.equal(wav.sampleRate, 8000);
    assert.ok(Math.abs(wav.durationSec - m.durationMs / 1000) <= 0.1, `WAV ${wav.durationSec} s, row ${m.durationMs} ms`);
    const c = await compareSpeech(pcaps.audioWav, audioFile(site.data, m));
    console.log(`${name}: ${describeComparison(c)}`);
    assert.ok(c.ok, describeComparison(c));
    const ended = callEndedLines(site.server.stderr() + site.server.stdout()).find((l) => l.callId === callIdOf(r));
    assert.ok(ended?.rtp, `a 'call ended' line with rtp counters for ${callIdOf(r)}`);
    assert.ok(ended.rtp.packetsIn >= 236, `packetsIn ${ended.rtp.packetsIn}`);
    assert.equal(ended.rtp.lost, 0);
  }

  it("records the caller until '#', then says goodbye and hangs up (endReason dtmf)", () => leaveMessageWithHash('dtmf', pcaps.withHash));

  // A gateway may send 30 ms packets (a=ptime:30 is common): the recording must last as long as the audio.
  it('records 30 ms packets (g711a.pcap as SIPp ships it) at their real length', () => leaveMessageWithHash('dtmf-30ms', pcaps.withHash30ms));

  it('records until the caller hangs up (endReason hangup)', async () => {
    const known = await messageIds(site.data, 'alice');
    const audioMs = Math.round(pcaps.audioSeconds * 1000) + 300;
    const r = await call('hangup', 'hangup', pcaps.audio, audioMs);
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-3000)}\n${site.server.stderr().slice(-3000)}`);
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'stored');
    assert.equal(m.endReason, 'hangup');
    const expected = audioMs / 1000 + 0.15;
    assert.ok(Math.abs(m.durationMs / 1000 - expected) <= 0.3, `duration ${m.durationMs} ms, expected ${expected.toFixed(2)} s ± 0.3`);
    const c = await compareSpeech(pcaps.audioWav, audioFile(site.data, m));
    assert.ok(c.ok, describeComparison(c));
  });

  it('keeps a message shorter than 2 s as a missed call', async () => {
    const known = await messageIds(site.data, 'alice');
    const r = await call('short', 'hangup', pcaps.short, 1000);
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-3000)}`);
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'missed');
    assert.equal(m.endReason, 'hangup');
    assert.ok(m.durationMs < 2000, `duration ${m.durationMs} ms`);
  });
});
