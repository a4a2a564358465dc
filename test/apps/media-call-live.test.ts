// Type-ahead over real RTP: a MediaChannel on loopback and a bare RTP phone that presses RFC 4733
// digits faster than the prompts play (test/apps/phone.ts). Nothing the caller presses during a
// prompt is lost; an interruptible prompt stops on the first key and the key is the first digit
// of the entry.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MediaCall } from '../../src/apps/media-call.js';
import { MediaChannel } from '../../src/media/media-channel.js';
import { MediaClock } from '../../src/media/media-clock.js';
import { allocate, waitFor } from '../media/rtp/helpers.js';
import { PCMU, Phone, TELEPHONE_EVENT, tone } from './phone.js';

const HOST = '127.0.104.1';
const clock = new MediaClock();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setUp() {
  const ports = await allocate(HOST);
  const phone = await Phone.open({ address: HOST, port: ports.port }, { address: HOST });
  const channel = new MediaChannel({
    ports, clock, rtcpIntervalMs: 0,
    media: { codec: 'PCMU', payloadType: PCMU, telephoneEvent: TELEPHONE_EVENT, remote: { address: HOST, port: phone.port } },
  });
  const call = new MediaCall('live-call', channel, () => undefined);
  cleanups.push(async () => {
    call.terminate('app');
    await channel.close();
    await phone.close();
  });
  return { phone, channel, call };
}

describe('type-ahead over RTP', () => {
  it('digits pressed during three uninterruptible prompts are all collected, in order', async () => {
    const { phone, call, channel } = await setUp();
    const prompts = (async () => {
      for (let i = 0; i < 3; i++) assert.deepEqual(await call.play(tone(600)), { outcome: 'done' });
    })();
    for (const d of '2468*0') await phone.press(d); // ~1.2 s of keys during 1.8 s of prompts
    await prompts;
    const r = await call.collectDigits({ maxDigits: 10, terminator: '#', firstDigitMs: 2000, interDigitMs: 300 });
    assert.deepEqual(r, { outcome: 'timeout', digits: '2468*0' });
    assert.equal(channel.stats().dtmf.digits, 6);
  });

  it('an interruptible menu prompt stops on the first key; the whole entry is still collected', async () => {
    const { phone, call } = await setUp();
    const started = Date.now();
    const menu = call.play(tone(5000), { interruptDigits: '0123456789#*' });
    await waitFor(() => phone.received.length >= 5, 'the prompt to start');
    const pressing = (async () => {
      for (const d of '1234#9') await phone.press(d);
    })();
    const heard = await menu;
    assert.deepEqual(heard, { outcome: 'digit', digit: '1' });
    assert.ok(Date.now() - started < 2000, 'the 5 s prompt stopped at the first key');
    // The next prompt ("enter your PIN") is skipped at once: a key is already waiting.
    assert.deepEqual(await call.play(tone(3000), { interruptDigits: '0123456789#*' }), { outcome: 'digit', digit: '1' });
    const pin = await call.collectDigits({ maxDigits: 8, firstDigitMs: 3000, interDigitMs: 2000 });
    assert.deepEqual(pin, { outcome: 'digits', digits: '1234', terminated: true });
    await pressing;
    assert.equal(await call.collectDigit(1000), '9', 'the key after the terminator waits for the next question');
  });
});
