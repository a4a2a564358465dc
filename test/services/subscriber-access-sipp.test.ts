// Subscriber access with a real peer: SIPp calls the dial plan's pilot number (4000) from alice's
// extension, so she is recognised by caller ID, and sends her PIN and menu keys as RFC 4733
// events from a pcap (test/support/dtmf-pcap.ts). Keys are typed ahead: the application keeps a
// key pressed during a prompt, so the order of the keys decides, not the length of the prompts.
// What SIPp heard is captured with tshark and searched for the stored message's audio and for
// the spoken counts of new and saved messages. Each test works a mailbox of its own (its own
// user, extension, PIN and SIPp media port), so the tests run at the same time: the file takes
// as long as its longest test, not the sum of all the prompts they wait through.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PromptLibrary, readPcmWav } from '../../src/media/audio/prompt-library.js';
import { sayCount } from '../../src/apps/speech/numbers.js';
import { bestCorrelation, envelope, readWav } from '../support/audio-compare.js';
import { keyPresses, writeDtmfPcap, type KeyPress } from '../support/dtmf-pcap.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { runDtmfCall, type DtmfCallResult } from '../support/peers/sipp-dtmf.js';
import { pcapToWav, SIPP_G711A, sippPcapsMissing } from '../support/peers/sipp-voicemail.js';
import { tsharkMissing } from '../support/peers/tshark.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { addMailboxes, must, startSite, type Mailbox, type UmSite } from '../support/um-setup.js';
import { audioFile, callEndedLines, messageIds, userMessages, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.107.10';
const RTP_PORTS = '42400-42599';
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing(), audioToolsMissing(), tsharkMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: subscriber-access-sipp needs ${missing}`);

/** A test's own mailbox: the user, their extension (SIPp's caller ID), PIN and SIPp media port. */
interface Box extends Mailbox { pin: string; mediaPort: number }
const box = (user: string, extension: number, pin: string, i: number): Box => ({ user, extension: String(extension), pin, mediaPort: 32600 + 10 * i });
// alice and bob come with the site; the others are added, and the PINs set, before the server starts.
const BOXES = {
  listen: box('alice', 1000, '246813', 0),
  counts: box('bob', 1001, '358024', 1),
  undelete: box('carol', 1002, '469135', 2),
  save: box('dave', 1003, '570246', 3),
  delete: box('erin', 1004, '681357', 4),
  silent: box('frank', 1005, '792468', 5),
  unknown: box('grace', 1006, '813579', 6),
  locked: box('heidi', 1007, '924680', 7),
};

/** Keys one after another from `atMs`, 250 ms apart. */
const press = (keys: string, atMs: number): KeyPress[] => keyPresses({ keys, startMs: atMs });

describe('subscriber access: SIPp logs on with a PIN and works the mailbox by keypad', { skip, timeout: 420_000, concurrency: true }, () => {
  let site: UmSite;
  let speechWav: string;
  let calls = 0;

  before(async () => {
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', RTP_PORTS], data);
        await addMailboxes(data, Object.values(BOXES));
      },
    });
    speechWav = await pcapToWav(SIPP_G711A, join(site.tmp.path, 'speech.wav'));
  });
  after(async () => { await site?.stop(); });

  /** Leaves a message for `b` (call answering: '#' skips the greeting, speech, '#' ends). */
  async function leaveMessage(b: Box): Promise<number> {
    const speech = await readPcmWav(speechWav);
    const endAt = 2200 + Math.ceil(speech.length / 160) * 20 + 300;
    const name = `leave-${b.user}-${++calls}`;
    const pcap = writeDtmfPcap(join(site.tmp.path, `${name}.pcap`), {
      keys: [{ digit: '#', atMs: 1000 }, { digit: '#', atMs: endAt }], speech: { samples: speech, atMs: 2200 },
    });
    const known = await messageIds(site.data, b.user);
    const r = await runDtmfCall({
      dir: site.tmp.path, name, pcap, ending: 'server-bye', byeWaitMs: 30_000, target: `${ADDRESS}:5065`, service: '4000',
      headers: [`Diversion: <sip:${b.extension}@${ADDRESS}>;reason=no-answer`], mediaPort: b.mediaPort, timeoutSec: 60,
    });
    assert.equal(r.sipp.successful, 1, `leaving a message: ${r.sipp.errors}\n${site.server.stderr().slice(-3000)}`);
    const m = await waitForMessage(site.data, b.user, known);
    assert.equal(m.state, 'stored');
    return m.id;
  }

  /** Calls the pilot number from `b`'s extension with `keys`, hanging up after `callMs`. */
  async function callPilot(b: Box, name: string, keys: KeyPress[], callMs: number, ending: 'caller-bye' | 'server-bye' = 'caller-bye'): Promise<DtmfCallResult & { outcome: Record<string, unknown> | undefined }> {
    const pcap = writeDtmfPcap(join(site.tmp.path, `${name}.pcap`), { keys, totalMs: ending === 'caller-bye' ? callMs : Math.min(callMs, (keys.at(-1)?.atMs ?? 0) + 500) });
    const r = await runDtmfCall({
      dir: site.tmp.path, name, pcap, ending, ...(ending === 'caller-bye' ? { callMs } : { byeWaitMs: callMs }), target: `${ADDRESS}:5065`, service: '4000',
      fromUser: b.extension, mediaPort: b.mediaPort, timeoutSec: Math.ceil(callMs / 1000) + 30,
    });
    assert.equal(r.sipp.successful, 1, `SIPp: ${r.sipp.errors}\n${r.sipp.logs}\n${site.server.stderr().slice(-3000)}`);
    const callId = /^Call-ID:\s*(\S+)/im.exec(r.sipp.messages)?.[1];
    // The application's outcome is in the worker's 'call ended' line (after the BYE).
    let ended;
    for (let i = 0; i < 50 && !ended; i++) {
      ended = callEndedLines(site.server.stderr() + site.server.stdout()).find((l) => l.callId === callId);
      if (!ended) await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(ended, `a 'call ended' line for ${callId}`);
    return { ...r, outcome: ended.outcome as Record<string, unknown> | undefined };
  }

  it('logs on by caller ID and PIN, plays the message (the audio heard is the message) and marks it read', async () => {
    const b = BOXES.listen;
    const id = await leaveMessage(b);
    const stored = (await userMessages(site.data, b.user)).find((m) => m.id === id);
    assert.ok(stored);
    const callMs = 30_000;
    const r = await callPilot(b, 'listen', [...press(`${b.pin}#`, 1500), ...press('1', 4000)], callMs);
    assert.ok(r.outcome?.user !== undefined && r.outcome.reason !== 'locked', `logged on: outcome ${JSON.stringify(r.outcome)}`);
    assert.ok(r.heardWav, 'SIPp heard audio');
    // The message must be somewhere in what SIPp heard: its loudness envelope correlates with a
    // stretch of the received audio.
    const message = envelope(readWav(audioFile(site.data, stored)));
    const heard = envelope(readWav(r.heardWav));
    const best = bestCorrelation(message, heard, callMs);
    assert.ok(best.correlation >= 0.8, `the message in what was heard: correlation ${best.correlation.toFixed(3)} at ${best.lagMs} ms`);
    const after = (await userMessages(site.data, b.user)).find((m) => m.id === id);
    assert.equal(after?.read, true, 'played to its end, the message is read');
    console.log(`subscriber access: message found in the received audio at ${(best.lagMs / 1000).toFixed(2)} s, correlation ${best.correlation.toFixed(3)}`);
  });

  it('says the new and saved counts after the PIN: what SIPp heard holds the counts, not other ones', async () => {
    const b = BOXES.counts;
    // One message, read: no new messages, one saved.
    await must(['voicemail', 'read', String(await leaveMessage(b))], site.data);
    const mine = (await userMessages(site.data, b.user)).filter((m) => m.state === 'stored');
    const fresh = mine.filter((m) => !m.read).length;
    const saved = mine.length - fresh;
    assert.deepEqual([fresh, saved], [0, 1]);
    const callMs = 14_000;
    // Only the PIN: the counts and the main menu are then said without interruption.
    const r = await callPilot(b, 'counts', press(`${b.pin}#`, 1500), callMs);
    assert.ok(r.outcome?.user !== undefined, `logged on: ${JSON.stringify(r.outcome)}`);
    const prompts = new PromptLibrary();
    const counts = async (n: number, m: number) => {
      const pcm = await prompts.sequence([...sayCount(n, 'new-message', 'en-US'), ...sayCount(m, 'saved-message', 'en-US')], 'en-US');
      return envelope({ sampleRate: 8000, channels: 1, samples: Float32Array.from(pcm, (v) => v / 32768), durationSec: pcm.length / 8000 });
    };
    const heard = envelope(readWav(r.heardWav));
    const said = bestCorrelation(await counts(fresh, saved), heard, callMs);
    const other = bestCorrelation(await counts(fresh + 3, saved + 2), heard, callMs);
    assert.ok(said.correlation >= 0.8, `${fresh} new, ${saved} saved in what was heard: correlation ${said.correlation.toFixed(3)} at ${said.lagMs} ms`);
    assert.ok(said.correlation > other.correlation, `other counts fit worse (${other.correlation.toFixed(3)})`);
    console.log(`subscriber access: counts ${fresh} new, ${saved} saved heard at ${(said.lagMs / 1000).toFixed(2)} s, correlation ${said.correlation.toFixed(3)} (other counts ${other.correlation.toFixed(3)})`);
  });

  it('deletes a message and undeletes it before hanging up: it stays', async () => {
    const b = BOXES.undelete;
    const id = await leaveMessage(b);
    // 1: voice mail; 3: delete the first new message (the one just left); 7: undelete it.
    const r = await callPilot(b, 'undelete', [...press(`${b.pin}#`, 1500), ...press('1', 4000), ...press('3', 4600), ...press('7', 5200)], 15_000);
    assert.equal(r.outcome?.reason, 'hangup', `outcome ${JSON.stringify(r.outcome)}`);
    assert.deepEqual(r.outcome?.purged, [], 'nothing purged at hang-up');
    assert.ok((await messageIds(site.data, b.user)).includes(id), 'the undeleted message is still there');
  });

  it('saves a message with its key: read, and kept after the call', async () => {
    const b = BOXES.save;
    const id = await leaveMessage(b);
    // 1: voice mail; 2: save the first new message (the one just left), typed ahead of its playing.
    const r = await callPilot(b, 'save', [...press(`${b.pin}#`, 1500), ...press('1', 4000), ...press('2', 4600)], 12_000);
    assert.equal(r.outcome?.reason, 'hangup', `outcome ${JSON.stringify(r.outcome)}`);
    const m = (await userMessages(site.data, b.user)).find((x) => x.id === id);
    assert.equal(m?.read, true, 'a saved message is read');
    assert.deepEqual(r.outcome?.purged, [], 'and kept');
  });

  it('deletes a message and hangs up: it is gone for good', async () => {
    const b = BOXES.delete;
    const id = await leaveMessage(b);
    const r = await callPilot(b, 'delete', [...press(`${b.pin}#`, 1500), ...press('1', 4000), ...press('3', 4600)], 12_000);
    assert.equal(r.outcome?.reason, 'hangup', `outcome ${JSON.stringify(r.outcome)}`);
    assert.deepEqual(r.outcome?.purged, [id], 'the message deleted by phone is purged at hang-up');
    assert.ok(!(await messageIds(site.data, b.user)).includes(id), 'the deleted message was purged when the call ended');
  });

  it('a caller who never presses anything is ended politely by the server', async () => {
    const r = await callPilot(BOXES.silent, 'silent', [], 90_000, 'server-bye');
    assert.ok(['input-failures', 'logon-failures'].includes(String(r.outcome?.reason)), `outcome ${JSON.stringify(r.outcome)}`);
    assert.ok(r.audibleMs > 3000, `the caller heard the prompts and the goodbye (${r.audibleMs} ms of audio)`);
  });

  it("unknown keys in the main menu count as input failures; at the dial plan's limit the call ends", async () => {
    const b = BOXES.unknown;
    // 8 is no main-menu key; three of them (the dial plan's limit), typed ahead after the PIN.
    const r = await callPilot(b, 'unknown-keys', [...press(`${b.pin}#`, 1500), ...press('888', 4000)], 60_000, 'server-bye');
    assert.equal(r.outcome?.reason, 'input-failures', `outcome ${JSON.stringify(r.outcome)}`);
    assert.ok(r.outcome?.user !== undefined, 'logged on before the unknown keys');
  });

  it('locks the mailbox after the policy\'s wrong PINs; an administrator unlocks it by CLI', async () => {
    const b = BOXES.locked;
    // The policy is the dial plan's, shared by every mailbox here: the other tests log on with
    // their right PINs, and wrong PINs count for heidi's mailbox only.
    await must(['policy', 'set', 'DP Default Policy', '--pin-reset-failures', '0', '--max-logon-attempts', '3'], site.data);
    try {
      const wrong = await callPilot(b, 'wrong-pins', [...press('111999#', 1500), ...press('222888#', 4500), ...press('333777#', 7500)], 30_000, 'server-bye');
      assert.ok(['locked', 'logon-failures'].includes(String(wrong.outcome?.reason)), `the server ended the call: ${JSON.stringify(wrong.outcome)}`);
      const status = JSON.parse(await must(['user', 'pin', 'get', b.user, '--json'], site.data)) as { locked: boolean };
      assert.equal(status.locked, true, 'locked after three wrong PINs');

      const refused = await callPilot(b, 'locked', press(`${b.pin}#`, 1500), 20_000, 'server-bye');
      assert.equal(refused.outcome?.reason, 'locked', `a locked mailbox: ${JSON.stringify(refused.outcome)}`);

      await must(['user', 'pin', 'unlock', b.user], site.data);
      const back = await callPilot(b, 'unlocked', [...press(`${b.pin}#`, 1500)], 8_000);
      assert.equal(back.outcome?.reason, 'hangup', `logged on after the unlock: ${JSON.stringify(back.outcome)}`);
      assert.equal((back.outcome?.user as unknown) !== undefined, true, 'the outcome names the user');
    } finally {
      await must(['policy', 'set', 'DP Default Policy', '--pin-reset-failures', '5', '--max-logon-attempts', '15'], site.data);
    }
  });
});
