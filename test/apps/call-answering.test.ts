// Call answering over a real MediaChannel on loopback, with a bare RTP phone on the other end:
// greeting, tone, recording, and each way a recording ends (# , silence, maximum length, hang-up),
// plus SRTP and hostile packets. The mailbox is in memory here; the worker's store-backed one is
// exercised by the SIPp and baresip tests in test/services/.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { answerCall, type Mailbox } from '../../src/apps/call-answering.js';
import type { AudioSink, RecordResult } from '../../src/apps/call.js';
import { MediaCall } from '../../src/apps/media-call.js';
import { PromptLibrary } from '../../src/media/audio/prompt-library.js';
import { isSilent } from '../../src/media/audio/silence-detector.js';
import { MediaChannel, type NegotiatedMedia } from '../../src/media/media-channel.js';
import { MediaClock } from '../../src/media/media-clock.js';
import { generateCrypto } from '../../src/media/srtp/sdes.js';
import { SrtpTransform } from '../../src/media/srtp/srtp-session.js';
import { allocate, bindRaw, closeRaw, sendRaw, waitFor } from '../media/rtp/helpers.js';
import { PCMU, Phone, TELEPHONE_EVENT, tone } from './phone.js';

const clock = new MediaClock();
const prompts = new PromptLibrary();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

class MemoryMailbox implements Mailbox {
  readonly chunks: Int16Array[] = [];
  result: RecordResult | undefined;
  missedCalls = 0;
  beganAt = 0;
  begin(): Promise<AudioSink> {
    this.beganAt = Date.now();
    return Promise.resolve({ write: async (s: Int16Array) => void this.chunks.push(Int16Array.from(s)) });
  }
  end(result: RecordResult): Promise<'stored' | 'missed'> {
    this.result = result;
    return Promise.resolve(result.durationMs >= 500 ? 'stored' : 'missed');
  }
  missed(): Promise<void> {
    this.missedCalls++;
    return Promise.resolve();
  }
  /** 20 ms frames above the silence threshold, in ms. */
  get audibleMs(): number {
    const all = Int16Array.from(this.chunks.flatMap((c) => [...c]));
    let ms = 0;
    for (let i = 0; i + 160 <= all.length; i += 160) if (!isSilent(all.subarray(i, i + 160))) ms += 20;
    return ms;
  }
  get samples(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }
}

async function setUp(options: { srtp?: boolean } = {}) {
  const ports = await allocate();
  let phoneSrtp: SrtpTransform | undefined;
  let srtp: NegotiatedMedia['srtp'];
  if (options.srtp) {
    const ours = generateCrypto(1, 'AES_CM_128_HMAC_SHA1_80').key;
    const theirs = generateCrypto(1, 'AES_CM_128_HMAC_SHA1_80').key;
    srtp = { suite: 'AES_CM_128_HMAC_SHA1_80', localKey: ours, remoteKey: theirs };
    phoneSrtp = new SrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: theirs, remoteKey: ours });
  }
  const phone = await Phone.open({ address: '127.0.0.1', port: ports.port }, phoneSrtp ? { srtp: phoneSrtp } : {});
  const channel = new MediaChannel({
    ports, clock, rtcpIntervalMs: 0,
    media: { codec: 'PCMU', payloadType: PCMU, telephoneEvent: TELEPHONE_EVENT, remote: { address: '127.0.0.1', port: phone.port }, ...(srtp ? { srtp } : {}) },
  });
  let hungUp = 0;
  const call = new MediaCall('test-call', channel, () => void hungUp++);
  cleanups.push(async () => {
    await channel.close();
    await phone.close();
  });
  return { phone, channel, call, hangups: () => hungUp, phoneSrtp };
}

const SHORT_GREETING = tone(200, 600);
const options = { prompts, language: 'en-US', extension: '1000', greeting: SHORT_GREETING, maxRecordingMs: 10_000, idleMs: 1500 };

describe('call answering over RTP', () => {
  it('plays the greeting and tone, records until #, then says the message was recorded and hangs up', async () => {
    const { phone, call, channel, hangups } = await setUp();
    const box = new MemoryMailbox();
    const run = answerCall(call, box, options);
    await waitFor(() => box.beganAt > 0, 'the tone (greeting 0.2 s + tone 0.3 s)', 5000);
    await phone.talk(tone(1500));
    await phone.press('#');
    const outcome = await run;
    assert.equal(outcome.kind, 'message');
    assert.equal(box.result?.end, 'dtmf');
    // The recording runs on the 20 ms clock until the # has ended (about 0.2 s after the audio): its
    // audible part is the message, whatever the phone's pacing on a loaded host.
    assert.ok(Math.abs(box.audibleMs - 1500) <= 200, `recorded ${box.audibleMs} ms of audio of a 1500 ms message: ${JSON.stringify(channel.stats().jitter)}`);
    assert.ok(box.samples / 8 <= 1500 + 600, `recorded ${box.samples / 8} ms in all`);
    assert.equal(hangups(), 1, 'the worker hung up after the closing prompt');
    const st = channel.stats();
    // greeting (10 frames) + tone (15) + closing prompt: the phone heard them all
    assert.ok(st.played >= 25 + 50, `played ${st.played} packets`);
    assert.ok(phone.received.length >= st.played - 1);
    assert.equal(st.dtmf.digits, 1);
  });

  it('records a caller who sends 30 ms packets at its real length', async () => {
    const { phone, call } = await setUp();
    const box = new MemoryMailbox();
    const run = answerCall(call, box, options);
    await waitFor(() => box.beganAt > 0, 'the tone', 5000);
    await phone.talk(tone(1500), 30);
    await phone.press('#');
    await run;
    assert.equal(box.result?.end, 'dtmf');
    assert.ok(Math.abs(box.audibleMs - 1500) <= 200, `recorded ${box.audibleMs} ms of audio of a 1500 ms message`);
  });

  it('# during the greeting skips to the tone', async () => {
    const { phone, call } = await setUp();
    const box = new MemoryMailbox();
    const run = answerCall(call, box, { ...options, greeting: tone(5000, 600), idleMs: 800 });
    await new Promise((r) => setTimeout(r, 200));
    const pressed = Date.now();
    await phone.press('#');
    await phone.talk(tone(600));
    await run;
    assert.equal(box.result?.end, 'silence');
    assert.ok(box.beganAt - pressed < 1500, `the 5 s greeting was cut short: recording began ${box.beganAt - pressed} ms after #`);
  });

  it('ends on the idle timeout of silence, and at the maximum recording length', async () => {
    const a = await setUp();
    const box = new MemoryMailbox();
    const run = answerCall(a.call, box, { ...options, idleMs: 1000 });
    await waitFor(() => box.beganAt > 0, 'the tone', 5000);
    await a.phone.talk(tone(800));
    await run;
    assert.equal(box.result?.end, 'silence');

    const b = await setUp();
    const box2 = new MemoryMailbox();
    const run2 = answerCall(b.call, box2, { ...options, maxRecordingMs: 1000 });
    await waitFor(() => box2.beganAt > 0, 'the tone', 5000);
    await b.phone.talk(tone(2000));
    await run2;
    assert.equal(box2.result?.end, 'max-duration');
    assert.ok(Math.abs(box2.samples / 8 - 1000) <= 40, `${box2.samples / 8} ms`);
  });

  it('a hang-up mid-message keeps what was recorded; before the tone it is a missed call', async () => {
    const a = await setUp();
    const box = new MemoryMailbox();
    const run = answerCall(a.call, box, options);
    await waitFor(() => box.beganAt > 0, 'the tone', 5000);
    await a.phone.talk(tone(1200));
    a.call.terminate('caller');
    await run;
    assert.equal(box.result?.end, 'hangup');
    assert.ok(box.samples / 8 >= 1000, `kept ${box.samples / 8} ms`);
    assert.equal(a.hangups(), 0, 'no BYE to a caller who left');

    const b = await setUp();
    const box2 = new MemoryMailbox();
    const run2 = answerCall(b.call, box2, { ...options, greeting: tone(3000) });
    await new Promise((r) => setTimeout(r, 300));
    b.call.terminate('caller');
    assert.deepEqual(await run2, { kind: 'missed', end: 'before-tone', durationMs: 0 });
    assert.equal(box2.missedCalls, 1);
  });
});

describe('call answering over SRTP, and hostile media', () => {
  it('records SRTP audio; bad tags, replays, a third address, truncated and oversized packets are dropped and counted', async () => {
    const { phone, call, channel, phoneSrtp } = await setUp({ srtp: true });
    const box = new MemoryMailbox();
    const run = answerCall(call, box, options);
    await waitFor(() => box.beganAt > 0, 'the tone', 5000);
    await phone.talk(tone(600));
    // Replays: the last packet again, five times.
    const wire = phone.packet(PCMU, Buffer.alloc(160, 0xff));
    for (let i = 0; i < 6; i++) await phone.send(wire);
    // A bad auth tag.
    const forged = Buffer.from(phone.packet(PCMU, Buffer.alloc(160, 0xff)));
    forged.writeUInt8(forged.readUInt8(forged.length - 1) ^ 0x55, forged.length - 1);
    await phone.send(forged);
    // Truncated, oversized, garbage.
    await phone.send(Buffer.from([0x80, 0x00, 0x01]));
    await phone.send(Buffer.alloc(2000, 0x80));
    await phone.send(Buffer.from('not rtp at all, not at all'));
    // From a third address (127.0.0.2), with a valid-looking packet.
    const intruder = await bindRaw('127.0.0.2');
    await sendRaw(intruder, phone.packet(PCMU, Buffer.alloc(160, 0)), channel.localPort, '127.0.0.1');
    await closeRaw(intruder);
    await phone.talk(tone(600));
    await phone.press('#');
    await run;
    const st = channel.stats();
    assert.equal(box.result?.end, 'dtmf');
    assert.ok(box.samples / 8 >= 1100, `recorded ${box.samples / 8} ms`);
    assert.ok(st.rtp.droppedAuth >= 6, `droppedAuth ${st.rtp.droppedAuth} (5 replays + 1 forged tag)`);
    assert.ok((st.srtp?.replays ?? 0) >= 5, JSON.stringify(st.srtp));
    assert.ok(st.rtp.droppedWrongSource >= 1, 'third address dropped');
    assert.ok(st.rtp.droppedOversized >= 1, 'oversized dropped');
    assert.ok(st.rtp.droppedInvalid >= 2, 'truncated and garbage dropped');
    // What the server sent was SRTP: every packet carries the 10-byte tag and opens with the key.
    await waitFor(() => phone.received.length > 20, 'media from the server');
    const opened = phone.received.filter((m) => m.length === 12 + 160 + 10 && phoneSrtp?.unprotect(m) !== undefined);
    assert.ok(opened.length >= phone.received.length - 3, `${opened.length} of ${phone.received.length} packets are SRTP under the answer's key`);
  });
});
