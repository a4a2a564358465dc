// Subscriber access over a real MediaCall and MediaChannel on loopback (127.0.106.x), with a bare
// RTP phone pressing RFC 4733 keys and the shipped prompts: log on with keys typed ahead during
// the prompts, hear a message to its end (the phone receives its audio: a 1 kHz tone), delete it,
// undelete it, say goodbye. The services are the in-memory fakes; the worker wiring is the lead's.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MediaCall } from '../../../src/apps/media-call.js';
import { runSubscriberAccess } from '../../../src/apps/subscriber-access/index.js';
import { decode } from '../../../src/media/audio/g711.js';
import { PromptLibrary } from '../../../src/media/audio/prompt-library.js';
import { MediaChannel } from '../../../src/media/media-channel.js';
import { MediaClock } from '../../../src/media/media-clock.js';
import { RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import { allocate, waitFor } from '../../media/rtp/helpers.js';
import { PCMU, Phone, TELEPHONE_EVENT, tone } from '../phone.js';
import { FakeServices } from './fake-ports.js';
import { ALICE_PHONE, ALICE_PIN, PLAN } from './harness.js';

const ADDRESS = '127.0.106.1';
const clock = new MediaClock();
const prompts = new PromptLibrary();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** MediaCall's collectDigits is a placeholder until the type-ahead buffer lands (helper D). */
async function mediaCallReady(): Promise<boolean> {
  const probe = new MediaCall('probe', { onDigit: () => () => undefined } as unknown as MediaChannel, () => undefined);
  probe.terminate('shutdown');
  try {
    await probe.collectDigits({ maxDigits: 1, firstDigitMs: 1, interDigitMs: 1 });
    return true;
  } catch {
    return false;
  }
}

/** 20 ms frames whose energy is mostly at 1 kHz (Goertzel), i.e. the message's tone. */
function toneFrames(received: Buffer[]): number {
  const packets = received.map((b) => RtpPacket.deSerialize(b)).filter((p) => p.payloadType === PCMU);
  packets.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  const k = 2 * Math.cos((2 * Math.PI * 1000) / 8000);
  let n = 0;
  for (const p of packets) {
    const x = decode(p.payload, 'PCMU');
    let s1 = 0, s2 = 0, energy = 0;
    for (const v of x) {
      const s0 = v + k * s1 - s2;
      s2 = s1;
      s1 = s0;
      energy += v * v;
    }
    const power = s1 * s1 + s2 * s2 - k * s1 * s2;
    if (energy > 0 && power / (energy * x.length / 2) > 0.8) n++;
  }
  return n;
}

const ready = await mediaCallReady();

describe('subscriber access over RTP', { skip: ready ? false : 'MediaCall.collectDigits is not implemented on this branch yet' }, () => {
  it('logs on with typed-ahead keys, plays a message to its end, deletes and undeletes it, says goodbye', async () => {
    const ports = await allocate(ADDRESS);
    const phone = await Phone.open({ address: ADDRESS, port: ports.port }, { address: ADDRESS });
    const channel = new MediaChannel({
      ports, clock, rtcpIntervalMs: 0,
      media: { codec: 'PCMU', payloadType: PCMU, telephoneEvent: TELEPHONE_EVENT, remote: { address: ADDRESS, port: phone.port } },
    });
    let byes = 0;
    const call = new MediaCall('sa-live', channel, () => void byes++);
    cleanups.push(async () => {
      call.terminate('shutdown');
      await channel.close();
      await phone.close();
    });

    const svc = new FakeServices().addUser({ extension: '1000', pin: ALICE_PIN, callerIds: [ALICE_PHONE.id] }).addMessage('1000', 'm1', 'new', { callerNumber: '42' });
    const message = tone(1500, 1000);
    const base = svc.ports();
    const digitNames = (d: string) => [...d].filter((c) => c >= '0' && c <= '9');
    const run = runSubscriberAccess(call, {
      ...base,
      prompts,
      mailbox: { ...base.mailbox, audio: async (user, id) => (await base.mailbox.audio(user, id), message) },
      speech: { number: (n) => digitNames(String(n)), messages: (n) => digitNames(String(n)), digits: digitNames, dateTime: () => [] },
    }, { dialPlan: PLAN, caller: ALICE_PHONE, timing: { menuMs: 8000, firstDigitMs: 8000, interDigitMs: 4000 } });

    const step = async (keys: string, until: () => boolean, what: string, timeoutMs = 15_000) => {
      for (const k of keys) await phone.press(k);
      await waitFor(until, what, timeoutMs);
    };
    const lists = () => svc.ops.filter((o) => o.startsWith('list')).length;
    // The PIN during the welcome; 1 during the counts; the message plays to its end.
    await step(`${ALICE_PIN}#`, () => svc.ops.includes(`check 1000 ${ALICE_PIN}`), 'the PIN checked');
    await step('1', () => svc.ops.includes('markRead m1'), 'the message heard to its end', 20_000);
    await step('3', () => svc.ops.includes('delete m1'), 'the message deleted');
    await step('7', () => svc.ops.includes('undelete m1'), 'the message restored');
    const before = lists();
    await step('*', () => lists() > before, 'back at the main menu');
    await phone.press('*');
    const out = await run;

    assert.equal(out.reason, 'goodbye');
    assert.deepEqual(out.purged, []);
    assert.equal(byes, 1, 'the application hung up');
    const heard = toneFrames(phone.received);
    assert.ok(heard >= 65 && heard <= 80, `the phone received ${heard} frames of the 1.5 s message (75 expected)`);
  });
});
