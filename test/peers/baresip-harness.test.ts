// Validates the baresip harness (test/support/peers/baresip.ts) without OpenUM: baresip on its own
// loopback address dials SIPp's built-in UAS, which echoes RTP; baresip plays generated speech
// (aufile), records what comes back (sndfile), and the echo holds the same speech
// (test/support/audio-compare.ts) — the whole chain the voice-mail tests use, on a known peer.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareSpeech, describeComparison } from '../support/audio-compare.js';
import { baresipMissing, callAndHangUp, startBaresip } from '../support/peers/baresip.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { run, tempDir } from '../support/run.js';
import { audioToolsMissing, makeMessageAudio, type MessageAudio } from '../support/test-audio.js';

const ADDRESS = '127.0.55.90';
const UAS_PORT = 15070;
const missing = [baresipMissing(), sippAvailable() ? '' : 'sipp', audioToolsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: the baresip harness test needs ${missing}`);

describe('baresip harness (against SIPp UAS with RTP echo)', { skip, timeout: 60_000 }, () => {
  const tmp = tempDir('openum-baresip-');
  let audio: MessageAudio;
  before(async () => { audio = await makeMessageAudio(tmp.path, { leadSec: 1, tailSec: 1 }); });
  after(() => tmp.cleanup());

  it('dials over ctrl_tcp and hangs up after N seconds', async () => {
    // SIPp's embedded UAS answers, echoes RTP (-rtp_echo) and waits for our BYE.
    const uas = run('timeout', ['-k', '2', '25', 'sipp', '-sn', 'uas', '-i', ADDRESS, '-p', String(UAS_PORT), '-m', '1',
      '-mi', ADDRESS, '-mp', '16000', '-rtp_echo', '-nostdin', '-timeout', '20s'], { timeoutMs: 30_000, cwd: tmp.path });
    const b = await startBaresip({ address: ADDRESS, sipPort: 15080, audio: audio.message, workDir: join(tmp.path, 'bs'), timeoutSec: 25 });
    try {
      assert.ok(b.ctrlPort > 0 && b.ctrlPort !== 15080);
      const call = await callAndHangUp(b, `sip:voicemail@${ADDRESS}:${UAS_PORT}`, { holdSec: 3 });
      assert.equal(call.endedBy, 'local', `baresip hung up itself; events: ${b.events.map((e) => e.type).join(',')}`);
      assert.ok(call.heldMs >= 2900 && call.heldMs < 4500, `held ${call.heldMs} ms`);
    } finally {
      await b.stop();
    }
    const u = await uas;
    assert.match(u.stdout + u.stderr, /Successful call\s*\|\s*\d+\s*\|\s*1/, u.stdout.slice(-2000));
    assert.match(b.log(), /call: connecting/);
  });

  it('sends the WAV as PCMU, ends the call when aufile runs out, and records the echo holding the same speech', async () => {
    const uas = run('timeout', ['-k', '2', '25', 'sipp', '-sn', 'uas', '-i', ADDRESS, '-p', String(UAS_PORT), '-m', '1',
      '-mi', ADDRESS, '-mp', '16000', '-rtp_echo', '-nostdin', '-timeout', '20s'], { timeoutMs: 30_000, cwd: tmp.path });
    const b = await startBaresip({ address: ADDRESS, sipPort: 15080, audio: audio.message, workDir: join(tmp.path, 'bs2'), timeoutSec: 25, record: true });
    try {
      const call = await callAndHangUp(b, `sip:voicemail@${ADDRESS}:${UAS_PORT}`, { holdSec: 15 });
      const lengthMs = (1 + 4.97 + 1) * 1000;
      console.log(`aufile ran out: call ${call.endedBy === 'remote' ? 'ended by baresip' : 'hung up by the test'} after ${call.heldMs} ms (file ~${lengthMs.toFixed(0)} ms)`);
      assert.equal(call.endedBy, 'remote');
    } finally {
      await b.stop();
    }
    await uas;
    // sndfile writes the decoded far end (the echo) as dump-…-dec.wav
    const dec = b.recordings().find((f) => /dec\.wav$/.test(f));
    assert.ok(dec, `a decoded recording in ${b.recordings().join(', ')}`);
    const c = await compareSpeech(audio.speech, dec);
    console.log(`echo: ${describeComparison(c)}`);
    assert.ok(c.ok, describeComparison(c));
  });
});
