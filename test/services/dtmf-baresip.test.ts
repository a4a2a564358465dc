// Real-peer DTMF from baresip: it calls alice (call answering, through the Call Router), presses
// '#' over its control interface (test/support/peers/baresip-dtmf.ts) 1 s into the greeting, which
// skips it to the tone; its message (3 s of silence, then speech) must be recorded whole. Without
// the skip the greeting (about 6.8 s) would cover the first half of the speech.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareSpeech, describeComparison } from '../support/audio-compare.js';
import { baresipMissing, startBaresip, type Baresip } from '../support/peers/baresip.js';
import { pressKeys } from '../support/peers/baresip-dtmf.js';
import { sleep } from '../support/peers/proc.js';
import { audioToolsMissing, makeMessageAudio } from '../support/test-audio.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { audioFile, callEndedLines, messageIds, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.104.20';
const SERVER_RTP = { min: 42200, max: 42399 };
const missing = [baresipMissing(), audioToolsMissing()].filter(Boolean).join('; ');
const skip = missing ? `missing: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: dtmf-baresip needs ${missing}`);

describe('DTMF from baresip', { skip, timeout: 120_000 }, () => {
  let site: UmSite;
  before(async () => {
    site = await startSite(ADDRESS, { before: (data) => must(['service', 'set', '--rtp-ports', `${SERVER_RTP.min}-${SERVER_RTP.max}`], data).then(() => undefined) });
  });
  after(async () => { await site?.stop(); });

  it("'#' pressed over ctrl_tcp skips the greeting; the whole message is recorded", async () => {
    const audio = await makeMessageAudio(site.tmp.path, { leadSec: 3 });
    const known = await messageIds(site.data, 'alice');
    let phone: Baresip | undefined;
    try {
      phone = await startBaresip({ address: ADDRESS, sipPort: 15080, rtpPorts: { min: 31000, max: 31098 }, audio: audio.message, workDir: join(site.tmp.path, 'baresip'), timeoutSec: 45 });
      const t0 = Date.now();
      await phone.dial(`sip:1000@${ADDRESS}`);
      const up = await phone.waitFor(['CALL_ESTABLISHED', 'CALL_CLOSED'], 15_000, t0);
      assert.equal(up.type, 'CALL_ESTABLISHED', up.param);
      await sleep(1000);
      await pressKeys(phone, '#');
      // aufile ends the call when the message has played (3 s + speech + 0.5 s)
      await phone.waitFor(['CALL_CLOSED'], 20_000, up.at);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- baresip ---\n${phone?.log().slice(-3000) ?? ''}\n--- server ---\n${site.server.stderr().slice(-3000)}`, { cause: e });
    } finally {
      await phone?.stop();
    }
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'stored', JSON.stringify(m));
    const c = await compareSpeech(audio.speech, audioFile(site.data, m));
    console.log(`baresip '#': message ${m.durationMs} ms, ${describeComparison(c)}`);
    assert.ok(c.ok, describeComparison(c));
    // 8.5 s of audio, the recording from about 1.3 s (the '#' and the tone): without the skip it would be under 2 s.
    assert.ok(m.durationMs >= 6000, `message of ${m.durationMs} ms: the greeting was not skipped`);
    const ended = callEndedLines(site.server.stderr() + site.server.stdout()).at(-1);
    assert.equal((ended?.dtmf as { digits?: number } | undefined)?.digits, 1, 'the worker heard one key');
  });
});
