// Call answering with SIPp as the gateway, straight to a UM worker (5065): a call diverted to the
// pilot number with a Diversion header for alice. SIPp waits out the greeting, plays its own
// g711a.pcap (A-law speech, 7.08 s; re-cut into 20 ms packets, and once as shipped in 30 ms
// packets) and then presses '#' (RFC 4733, appended to the same RTP stream by
// test/fixtures/sipp/rtp-pcap.mjs), or hangs up, or hangs up after 1 s. The store must then hold a
// stored message (endReason dtmf / hangup) with the sent audio, or a missed call. Each test calls
// for a user of its own, from its own SIPp ports, so the four calls run at the same time.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareSpeech, describeComparison, readWav } from '../support/audio-compare.js';
import { runSipp, sippAvailable, type SippResult } from '../support/peers/sipp.js';
import { renderVoicemailScenario, sippPcapsMissing, voicemailPcaps, type Ending } from '../support/peers/sipp-voicemail.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { addMailboxes, must, startSite, type UmSite } from '../support/um-setup.js';
import { audioFile, callEndedLines, greetingSeconds, messageIds, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.55.10';
const RTP_PORTS = '40000-40999';
/** Each test's mailbox (the Diversion's extension) and SIPp's SIP and media ports. */
interface Caller { user: string; extension: string; localPort: number; mediaPort: number }
const CALLERS = {
  dtmf: { user: 'alice', extension: '1000', localPort: 15050, mediaPort: 32000 },
  dtmf30: { user: 'bob', extension: '1001', localPort: 15052, mediaPort: 32010 },
  hangup: { user: 'carol', extension: '1002', localPort: 15054, mediaPort: 32020 },
  short: { user: 'dave', extension: '1003', localPort: 15056, mediaPort: 32030 },
} satisfies Record<string, Caller>;
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing(), audioToolsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: voicemail-sipp needs ${missing}`);

describe('voice mail: SIPp leaves messages at a worker', { skip, timeout: 180_000, concurrency: true }, () => {
  let site: UmSite;
  let pcaps: Awaited<ReturnType<typeof voicemailPcaps>>;

  before(async () => {
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', RTP_PORTS], data);
        await addMailboxes(data, Object.values(CALLERS));
      },
    });
    pcaps = await voicemailPcaps(site.tmp.path);
  });
  after(async () => { await site?.stop(); });

  async function call(c: Caller, name: string, ending: Ending, audioPcap: string, audioMs: number): Promise<SippResult> {
    // the audio starts 150 ms after the tone ends, by the asset lengths
    const greetingMs = Math.round(greetingSeconds(c.extension) * 1000) + 150;
    const scenario = renderVoicemailScenario(join(site.tmp.path, `${name}.xml`), { ending, audioPcap, greetingMs, audioMs, byeWaitMs: 25_000 });
    return runSipp({
      scenario, target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 45, mediaPort: c.mediaPort, localPort: c.localPort,
      keys: { service: '4000', from_user: '+15551230001' }, headers: [`Diversion: <sip:${c.extension}@${ADDRESS}>;reason=no-answer`],
    });
  }

  const callIdOf = (r: SippResult): string | undefined => /^Call-ID:\s*(\S+)/im.exec(r.messages)?.[1];

  async function leaveMessageWithHash(c: Caller, name: string, pcap: string): Promise<void> {
    const known = await messageIds(site.data, c.user);
    const r = await call(c, name, 'dtmf', pcap, 0);
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.logs}\n${r.messages.slice(-3000)}\n${site.server.stderr().slice(-3000)}`);
    assert.match(r.messages, /^BYE sip:/m, 'the worker sent BYE');
    const m = await waitForMessage(site.data, c.user, known);
    assert.equal(m.state, 'stored');
    assert.equal(m.endReason, 'dtmf');
    // The recording runs from the tone to the '#': the audio (7.08 s) plus the 150 ms we waited.
    const expected = pcaps.audioSeconds + 0.15;
    assert.ok(Math.abs(m.durationMs / 1000 - expected) <= 0.3, `duration ${m.durationMs} ms, expected ${expected.toFixed(2)} s ± 0.3`);
    const wav = readWav(audioFile(site.data, m));
    assert.equal(wav.sampleRate, 8000);
    assert.ok(Math.abs(wav.durationSec - m.durationMs / 1000) <= 0.1, `WAV ${wav.durationSec} s, row ${m.durationMs} ms`);
    const cmp = await compareSpeech(pcaps.audioWav, audioFile(site.data, m));
    console.log(`${name}: ${describeComparison(cmp)}`);
    assert.ok(cmp.ok, describeComparison(cmp));
    const ended = callEndedLines(site.server.stderr() + site.server.stdout()).find((l) => l.callId === callIdOf(r));
    assert.ok(ended?.rtp, `a 'call ended' line with rtp counters for ${callIdOf(r)}`);
    assert.ok(ended.rtp.packetsIn >= 236, `packetsIn ${ended.rtp.packetsIn}`);
    assert.equal(ended.rtp.lost, 0);
  }

  it("records the caller until '#', then says goodbye and hangs up (endReason dtmf)", () => leaveMessageWithHash(CALLERS.dtmf, 'dtmf', pcaps.withHash));

  // A gateway may send 30 ms packets (a=ptime:30 is common): the recording must last as long as the audio.
  it('records 30 ms packets (g711a.pcap as SIPp ships it) at their real length', () => leaveMessageWithHash(CALLERS.dtmf30, 'dtmf-30ms', pcaps.withHash30ms));

  it('records until the caller hangs up (endReason hangup)', async () => {
    const c = CALLERS.hangup;
    const known = await messageIds(site.data, c.user);
    const audioMs = Math.round(pcaps.audioSeconds * 1000) + 300;
    const r = await call(c, 'hangup', 'hangup', pcaps.audio, audioMs);
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-3000)}\n${site.server.stderr().slice(-3000)}`);
    const m = await waitForMessage(site.data, c.user, known);
    assert.equal(m.state, 'stored');
    assert.equal(m.endReason, 'hangup');
    const expected = audioMs / 1000 + 0.15;
    assert.ok(Math.abs(m.durationMs / 1000 - expected) <= 0.3, `duration ${m.durationMs} ms, expected ${expected.toFixed(2)} s ± 0.3`);
    const cmp = await compareSpeech(pcaps.audioWav, audioFile(site.data, m));
    assert.ok(cmp.ok, describeComparison(cmp));
  });

  it('keeps a message shorter than 2 s as a missed call', async () => {
    const c = CALLERS.short;
    const known = await messageIds(site.data, c.user);
    const r = await call(c, 'short', 'hangup', pcaps.short, 1000);
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-3000)}`);
    const m = await waitForMessage(site.data, c.user, known);
    assert.equal(m.state, 'missed');
    assert.equal(m.endReason, 'hangup');
    assert.ok(m.durationMs < 2000, `duration ${m.durationMs} ms`);
  });
});
