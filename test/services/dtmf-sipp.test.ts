// Real-peer DTMF: SIPp calls a worker as call answering (a call diverted to alice) and plays one
// pcap made by test/support/dtmf-pcap.ts: silence, '#' 1.2 s into the greeting (which skips it to
// the tone), then speech (SIPp's g711a.pcap), then '#' to end the recording. The message must
// arrive with that speech, and what SIPp heard (captured with tshark) must show the greeting cut
// short: the harness other phone-application tests use for a PIN or a menu key. Then keys five a
// second during the greeting: those that do not interrupt it do not, the '#' behind them does.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readPcmWav } from '../../src/media/audio/prompt-library.js';
import { compareSpeech, describeComparison } from '../support/audio-compare.js';
import { dtmfStream, writeDtmfPcap } from '../support/dtmf-pcap.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { runDtmfCall } from '../support/peers/sipp-dtmf.js';
import { pcapToWav, SIPP_G711A, sippPcapsMissing } from '../support/peers/sipp-voicemail.js';
import { tsharkMissing } from '../support/peers/tshark.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { callEndedLines, greetingSeconds, messageIds, waitForMessage, audioFile } from '../support/voicemail-server.js';

const ADDRESS = '127.0.104.10';
const RTP_PORTS = '42000-42199';
// Each test leaves its message for a user of its own, from its own SIPp media port: they run at once.
const CALLERS = {
  hash: { user: 'alice', extension: '1000', mediaPort: 32400 },
  keys: { user: 'bob', extension: '1001', mediaPort: 32410 },
};
type Caller = (typeof CALLERS)[keyof typeof CALLERS];
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing(), audioToolsMissing(), tsharkMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: dtmf-sipp needs ${missing}`);

const HASH_AT_MS = 1200;
const SPEECH_AT_MS = 2200;

describe('DTMF from a SIPp pcap', { skip, timeout: 120_000, concurrency: true }, () => {
  let site: UmSite;
  before(async () => {
    site = await startSite(ADDRESS, { before: (data) => must(['service', 'set', '--rtp-ports', RTP_PORTS], data).then(() => undefined) });
  });
  after(async () => { await site?.stop(); });

  /** Keys pressed during the greeting (the last one '#'), then speech, then '#': the message must hold the speech. */
  async function skipGreeting(caller: Caller, name: string, greetingKeys: { digit: string; atMs: number }[]): Promise<void> {
    const dir = site.tmp.path;
    const speechWav = await pcapToWav(SIPP_G711A, join(dir, `${name}-speech.wav`));
    const speech = await readPcmWav(speechWav);
    const speechMs = (speech.length / 8000) * 1000;
    const hashAt = greetingKeys.at(-1)?.atMs ?? 0;
    const endHashAt = SPEECH_AT_MS + Math.ceil(speechMs / 20) * 20 + 300;
    const keys = [...greetingKeys, { digit: '#', atMs: endHashAt }];
    const pcap = writeDtmfPcap(join(dir, `${name}.pcap`), { keys, speech: { samples: speech, atMs: SPEECH_AT_MS } });
    const events = dtmfStream({ keys, speech: { samples: speech, atMs: SPEECH_AT_MS } }).filter((p) => ((p.rtp[1] ?? 0) & 0x7f) === 101);
    assert.equal(events.length, 7 * keys.length, '7 telephone-event packets a key');

    const known = await messageIds(site.data, caller.user);
    const r = await runDtmfCall({
      dir, name, pcap, ending: 'server-bye', byeWaitMs: 30_000, target: `${ADDRESS}:5065`, service: '4000',
      headers: [`Diversion: <sip:${caller.extension}@${ADDRESS}>;reason=no-answer`], mediaPort: caller.mediaPort, timeoutSec: 60,
    });
    assert.equal(r.sipp.successful, 1, `SIPp: ${r.sipp.errors}\n${r.sipp.logs}\n${r.sipp.messages.slice(-3000)}\n${site.server.stderr().slice(-3000)}`);

    const m = await waitForMessage(site.data, caller.user, known);
    assert.equal(m.state, 'stored');
    assert.equal(m.endReason, 'dtmf');
    // Recording from the tone's end (the '#', then 0.3 s of tone) to the last '#'.
    const expectedMs = endHashAt - (hashAt + 300);
    assert.ok(Math.abs(m.durationMs - expectedMs) <= 500, `message of ${m.durationMs} ms, expected about ${expectedMs} ms: the greeting was skipped`);
    const c = await compareSpeech(speechWav, audioFile(site.data, m));
    assert.ok(c.ok, describeComparison(c));

    // What SIPp heard: the greeting cut at the '#', the tone, then (after the recording) the closing prompt.
    const audio = r.heardPackets.filter((p) => p.payloadType === 8);
    let split = 0;
    for (let i = 1; i < audio.length; i++) if ((audio[i]?.t ?? 0) - (audio[i - 1]?.t ?? 0) > 2) split = i;
    assert.ok(split > 0, `a silence from the server while it recorded (${audio.length} packets heard)`);
    const beforeRecording = ((audio[split - 1]?.t ?? 0) - (audio[0]?.t ?? 0)) * 1000;
    const fullGreetingMs = greetingSeconds(caller.extension) * 1000;
    assert.ok(beforeRecording < hashAt + 300 + 700, `heard ${beforeRecording.toFixed(0)} ms before the recording; the whole greeting and tone last ${fullGreetingMs.toFixed(0)} ms`);
    assert.ok(r.heardWav, 'the received audio decodes to a WAV');
    console.log(`${name}: message ${m.durationMs} ms (expected ${expectedMs}), heard ${beforeRecording.toFixed(0)} ms before the recording (greeting and tone ${fullGreetingMs.toFixed(0)} ms), ${describeComparison(c)}, SIPp ${r.sipp.wallMs} ms`);

    const ended = callEndedLines(site.server.stderr() + site.server.stdout()).find((l) => l.callId === /^Call-ID:\s*(\S+)/im.exec(r.sipp.messages)?.[1]);
    assert.equal((ended?.dtmf as { digits?: number } | undefined)?.digits, keys.length, 'the worker heard every key');
  }

  it("'#' during the greeting skips to the tone; the message recorded after it arrives", () => skipGreeting(CALLERS.hash, 'skip-greeting', [{ digit: '#', atMs: HASH_AT_MS }]));

  // Keys faster than the prompt (five a second): the ones that do not interrupt it are kept (and forgotten when
  // the recording starts), the '#' right behind them still cuts the greeting.
  it("keys pressed 200 ms apart: '1', '2', '3' do not interrupt the greeting, the '#' after them does", () =>
    skipGreeting(CALLERS.keys, 'keys-then-hash', [...'123#'].map((digit, i) => ({ digit, atMs: 800 + i * 200 }))));
});
