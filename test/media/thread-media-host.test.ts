// Call media on its own thread (src/media/thread/), against a bare RTP phone on loopback: the
// prompt arrives, the phone's audio is captured frame by frame with what the jitter buffer still
// held at the stop, digits come through, end() gives the thread's statistics and frees the ports;
// a thread that dies ends every call's media cleanly and the next call gets a new thread. All of it
// twice: RTP received by the native batched path (when native/udp is built) and by node:dgram.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import type { FrameKind } from '../../src/media/audio/jitter-buffer.js';
import { ThreadMediaHost } from '../../src/media/thread/thread-media-host.js';
import { generateCrypto } from '../../src/media/srtp/sdes.js';
import { SrtpTransform } from '../../src/media/srtp/srtp-session.js';
import { PCMU, Phone, TELEPHONE_EVENT, tone } from '../apps/phone.js';
import { waitFor } from './rtp/helpers.js';
import { loadUdpRecvAddon } from '../../src/media/native/udp.js';

const HOST = '127.0.104.3';

/** Whether a dgram socket can bind HOST:port now (the RTP socket is the addon's or dgram's). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => { s.close(); resolve(false); });
    s.bind(port, HOST, () => s.close(() => resolve(true)));
  });
}
const RANGE = { min: 36000, max: 36199 };

const native = loadUdpRecvAddon({});
const RECEIVE = [
  { name: 'RTP received natively', env: { ...process.env, OPENUM_NATIVE_RECV: '1' }, skip: native.addon ? false : `native/udp receive is not loaded (${native.why})` },
  { name: 'RTP received by dgram', env: { ...process.env, OPENUM_NATIVE_RECV: '0' }, skip: false },
] as const;

for (const receive of RECEIVE) describe(`ThreadMediaHost, ${receive.name}`, { skip: receive.skip }, () => {
  const host = new ThreadMediaHost({ env: receive.env });
  after(() => host.stop());

  async function call() {
    const lease = await host.allocate(HOST, RANGE);
    assert.ok(lease.port >= RANGE.min && lease.port <= RANGE.max && lease.port % 2 === 0, `even port in the range: ${lease.port}`);
    const phone = await Phone.open({ address: HOST, port: lease.port }, { address: HOST });
    const media = host.open(lease, { codec: 'PCMU', payloadType: PCMU, telephoneEvent: TELEPHONE_EVENT, remote: { address: HOST, port: phone.port } });
    return { lease, phone, media };
  }

  it('plays, captures, passes digits and ends with the thread\'s statistics', async () => {
    const { phone, media } = await call();
    try {
      assert.equal(await media.play(tone(200)), true, 'the prompt played to its end');
      await waitFor(() => phone.received.length >= 10, 'ten packets of the prompt');
      const frames: { frame: Int16Array | null; kind: FrameKind | 'none' }[] = [];
      media.startCapture((frame, kind) => frames.push({ frame, kind }));
      await phone.talk(tone(600));
      const digits: string[] = [];
      media.onDigit((d) => digits.push(d));
      await phone.press('7');
      await waitFor(() => digits.length === 1, 'the digit');
      const rest = await media.stopCapture();
      const audio = frames.filter((f) => f.kind === 'audio').length + rest.length;
      assert.ok(audio >= 25 && audio <= 32, `about 30 frames of the caller's 600 ms: ${audio} (${rest.length} held at the stop)`);
      assert.ok(frames.every((f) => f.frame === null || f.frame.length === 160), '20 ms frames');
      assert.deepEqual(digits, ['7']);
      const stats = await media.end();
      assert.equal(stats.played, 10);
      assert.ok(stats.rtp.packetsIn >= 30, `packets in: ${stats.rtp.packetsIn}`);
      assert.equal(stats.dtmf.digits, 1);
      assert.equal(host.calls, 0);
    } finally {
      await phone.close();
    }
  });

  it('carries SRTP: the keys cross to the thread, the prompt goes out protected and the caller is heard', async () => {
    const ours = generateCrypto(1, 'AES_CM_128_HMAC_SHA1_80').key;
    const theirs = generateCrypto(1, 'AES_CM_128_HMAC_SHA1_80').key;
    const lease = await host.allocate(HOST, RANGE);
    const phoneSrtp = new SrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: theirs, remoteKey: ours });
    const phone = await Phone.open({ address: HOST, port: lease.port }, { address: HOST, srtp: phoneSrtp });
    const media = host.open(lease, {
      codec: 'PCMU', payloadType: PCMU, remote: { address: HOST, port: phone.port },
      srtp: { suite: 'AES_CM_128_HMAC_SHA1_80', localKey: ours, remoteKey: theirs },
    });
    try {
      assert.equal(await media.play(tone(100)), true);
      await waitFor(() => phone.received.length >= 5, 'five packets');
      assert.ok(phone.received.filter((p) => (p[1]! & 0x7f) === PCMU).every((p) => (phoneSrtp.unprotect(p)?.length ?? 0) > 12), 'every packet authenticates with the keys the thread got');
      let audio = 0;
      media.startCapture((_f, kind) => { if (kind === 'audio') audio++; });
      await phone.talk(tone(400));
      audio += (await media.stopCapture()).length;
      assert.ok(audio >= 15, `the caller's 400 ms heard: ${audio} frames`);
      const stats = await media.end();
      assert.equal(stats.srtp?.authFailures, 0);
      assert.ok((stats.srtp?.unprotected ?? 0) >= 15);
    } finally {
      await phone.close();
    }
  });

  it('a play is stopped at once, and a new play replaces the one before', async () => {
    const { phone, media } = await call();
    try {
      const long = media.play(tone(5000));
      await waitFor(() => phone.received.length >= 3, 'the prompt to start');
      const short = media.play(tone(100));
      assert.equal(await long, false, 'replaced');
      assert.equal(await short, true);
      const third = media.play(tone(5000));
      media.stopPlayback();
      assert.equal(await third, false);
      await media.end();
    } finally {
      await phone.close();
    }
  });

  it('a released lease frees its ports; the same port can be had again', async () => {
    const lease = await host.allocate(HOST, { min: 36200, max: 36201 });
    assert.equal(lease.port, 36200);
    lease.release();
    await waitFor(() => true, 'nothing');
    const again = await host.allocate(HOST, { min: 36200, max: 36201 }).catch(async () => {
      await new Promise((r) => setTimeout(r, 100));
      return host.allocate(HOST, { min: 36200, max: 36201 });
    });
    assert.equal(again.port, 36200);
    again.release();
  });

  it('when the thread dies, plays end false, end() still answers, its ports are freed, and the next call gets a new thread', async () => {
    const { lease, phone, media } = await call();
    try {
      const playing = media.play(tone(5000));
      media.startCapture(() => undefined);
      const started = host.threadsStarted;
      await host.kill();
      assert.equal(await playing, false);
      for (const port of [lease.port, lease.port + 1]) assert.equal(await bindable(port), true, `port ${port} freed with the thread`);
      assert.deepEqual(await media.stopCapture(), []);
      const stats = await media.end();
      assert.equal(stats.played, 0);
      const next = await call();
      assert.equal(host.threadsStarted, started + 1);
      assert.equal(await next.media.play(tone(60)), true);
      await next.media.end();
      await next.phone.close();
    } finally {
      await phone.close();
    }
  });
});
