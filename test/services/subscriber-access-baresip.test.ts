// Subscriber access from a real phone: baresip leaves a message for alice (call answering), then
// calls the pilot number from its own account (not alice's extension, so it is asked for one),
// types alice's extension, her PIN and `1` over its control interface (RFC 4733), and listens
// until the message, played to its end, is read; then it hangs up. The worker must have logged
// alice on.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { baresipMissing, startBaresip, type Baresip } from '../support/peers/baresip.js';
import { pressKeys } from '../support/peers/baresip-dtmf.js';
import { sleep } from '../support/peers/proc.js';
import { audioToolsMissing, makeMessageAudio } from '../support/test-audio.js';
import { addMailboxes, must, startSite, type UmSite } from '../support/um-setup.js';
import { callEndedLines, messageIds, userMessages, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.107.20';
const SERVER_RTP = { min: 42600, max: 42799 };
const PIN = '580247';
const missing = [baresipMissing(), audioToolsMissing()].filter(Boolean).join('; ');
const skip = missing ? `missing: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: subscriber-access-baresip needs ${missing}`);

describe('subscriber access from baresip', { skip, timeout: 180_000 }, () => {
  let site: UmSite;
  before(async () => {
    site = await startSite(ADDRESS, { before: (data) => must(['service', 'set', '--rtp-ports', `${SERVER_RTP.min}-${SERVER_RTP.max}`], data).then(() => undefined) });
    await addMailboxes(site.data, [{ user: 'alice', extension: '1000', pin: PIN }]);
  });
  after(async () => { await site?.stop(); });

  /** One baresip call to `uri` with `audio` as its microphone; `during` runs once the call is up. */
  async function call(name: string, uri: string, audio: string, during: (phone: Baresip) => Promise<void>, closeWithinMs: number): Promise<void> {
    let phone: Baresip | undefined;
    try {
      phone = await startBaresip({ address: ADDRESS, sipPort: 15180, rtpPorts: { min: 31200, max: 31298 }, audio, workDir: join(site.tmp.path, name), timeoutSec: Math.ceil(closeWithinMs / 1000) + 30 });
      const t0 = Date.now();
      await phone.dial(uri);
      const up = await phone.waitFor(['CALL_ESTABLISHED', 'CALL_CLOSED'], 15_000, t0);
      assert.equal(up.type, 'CALL_ESTABLISHED', up.param);
      await during(phone);
      await phone.waitFor(['CALL_CLOSED'], closeWithinMs, up.at);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- baresip ---\n${phone?.log().slice(-3000) ?? ''}\n--- server ---\n${site.server.stderr().slice(-3000)}`, { cause: e });
    } finally {
      await phone?.stop();
    }
  }

  it('logs on with extension and PIN typed on the phone and listens to a message, which becomes read', async () => {
    const leaveDir = join(site.tmp.path, 'leave');
    mkdirSync(leaveDir, { recursive: true });
    const message = await makeMessageAudio(leaveDir, { leadSec: 8 });
    const known = await messageIds(site.data, 'alice');
    // Call answering: the greeting, the tone, then the speech until the file ends the call.
    await call('leave', `sip:1000@${ADDRESS}`, message.message, () => Promise.resolve(), 30_000);
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'stored', JSON.stringify(m));
    assert.equal(m.read, false);

    const listenDir = join(site.tmp.path, 'listen');
    mkdirSync(listenDir, { recursive: true });
    // The microphone: 40 s of silence before a word, so baresip stays on the line while it listens.
    const quiet = await makeMessageAudio(listenDir, { leadSec: 40, text: 'bye' });
    const before = callEndedLines(site.server.stderr() + site.server.stdout()).length;
    await call('listen', `sip:4000@${ADDRESS}`, quiet.message, async (phone) => {
      await sleep(1500);
      // Keys typed ahead of the prompts: the extension, the PIN, then 1 for voice mail.
      await pressKeys(phone, `1000#${PIN}#1`);
      // The message is read once played to its end: then the caller hangs up (the outcome is
      // 'hangup', alice logged on), rather than listening on until the microphone runs out.
      const until = Date.now() + 60_000;
      while (!(await userMessages(site.data, 'alice')).find((x) => x.id === m.id)?.read && Date.now() < until) await sleep(500);
      await phone.hangup();
    }, 70_000);

    let ended;
    for (let i = 0; i < 50 && !ended; i++) {
      ended = callEndedLines(site.server.stderr() + site.server.stdout()).slice(before).find((l) => l.callType === 'SubscriberAccess');
      if (!ended) await sleep(200);
    }
    const outcome = ended?.outcome as { user?: unknown; reason?: string } | undefined;
    assert.ok(outcome?.user !== undefined, `alice was logged on: ${JSON.stringify(outcome)}`);
    const after = (await userMessages(site.data, 'alice')).find((x) => x.id === m.id);
    assert.equal(after?.read, true, 'the message was played to its end: read');
    console.log(`baresip subscriber access: outcome ${JSON.stringify(outcome)}, keys heard ${JSON.stringify(ended?.dtmf)}`);
  });
});
