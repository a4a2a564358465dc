// Hostile media at a live worker: during a call (a tiny Node UAC straight to the worker, whose RTP
// the worker latches onto), the test sends RTP from a third address, truncated (< 12 bytes),
// oversized (> 1500 bytes) and garbage datagrams from the caller's own media address, garbage to
// the RTCP port, and a burst of replayed packets. The worker keeps the call, counts each kind in
// its 'call ended' line, stores a message no longer than the real audio, and takes the next call
// in the same process. (SRTP forged tags and replays are covered at unit level.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { childPids, sleep } from '../support/peers/proc.js';
import { run } from '../support/run.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { tinyCall, type TinyCall } from '../support/tiny-uac.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { greetingSeconds, messageIds, waitForCallEnded, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.55.30';
const THIRD = '127.0.55.31';
const missing = audioToolsMissing();
const skip = missing ? `not installed: ${missing}` : false;

/** 160-byte A-law frames of a 12 s 400 Hz tone at -10 dBFS (not silence: no idle timeout). */
async function toneFrames(dir: string): Promise<Buffer[]> {
  const out = join(dir, 'tone.al');
  const r = await run('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'a-law', '-t', 'raw', out, 'synth', '12', 'sine', '400', 'vol', '0.3'], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`sox: ${r.stderr}`);
  const b = readFileSync(out);
  const frames: Buffer[] = [];
  for (let i = 0; i + 160 <= b.length; i += 160) frames.push(b.subarray(i, i + 160));
  return frames;
}

function sendFrom(address: string, port: number, to: { address: string; port: number }, packets: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, address, async () => {
      for (const p of packets) await new Promise<void>((r) => s.send(p, to.port, to.address, () => r()));
      s.close();
      resolve();
    });
  });
}

const sendOn = (call: TinyCall, to: { address: string; port: number }, packets: Buffer[]): Promise<void> =>
  packets.reduce((p, pkt) => p.then(() => new Promise<void>((r) => call.rtp.send(pkt, to.port, to.address, () => r()))), Promise.resolve());

describe('hostile media at a live worker', { skip, timeout: 120_000 }, () => {
  let site: UmSite;
  let frames: Buffer[];
  before(async () => {
    site = await startSite(ADDRESS, { before: (data) => must(['service', 'set', '--rtp-ports', '40000-40999'], data).then(() => undefined) });
    frames = await toneFrames(site.tmp.path);
  });
  after(async () => { await site?.stop(); });

  const place = (sipPort: number, rtpPort: number) => tinyCall({
    from: ADDRESS, sipPort, rtpPort, target: { address: ADDRESS, port: 5065 }, uri: `sip:4000@${ADDRESS}:5065`,
    headers: [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`],
  });

  it('drops and counts third-address, truncated, oversized, garbage and replayed packets; the call goes on', async () => {
    const workersBefore = childPids(site.server.process.pid ?? -1).sort();
    const known = await messageIds(site.data, 'alice');
    const greeting = greetingSeconds('1000');
    const call = await place(15070, 33000);
    const audio = call.startAudio(frames);
    try {
      await sleep(1000); // the worker has latched onto 127.0.55.30:33000
      const media = call.remoteRtp;
      const rtcp = { address: media.address, port: media.port + 1 };
      // 1. valid-looking RTP (copies of what the caller sent) from a third address
      await sendFrom(THIRD, 33100, media, call.sent.slice(-40));
      // 2. truncated: 1..11 bytes, from the caller's own address and port
      await sendOn(call, media, Array.from({ length: 30 }, (_, i) => Buffer.alloc(1 + (i % 11), 0x80)));
      // 3. oversized: 1501..9000 bytes with a valid RTP header
      await sendOn(call, media, Array.from({ length: 20 }, (_, i) => Buffer.concat([call.sent[0] ?? Buffer.alloc(12), randomBytes(1501 + i * 300)])));
      // 4. garbage: random bytes whose first two bits are not RTP version 2
      await sendOn(call, media, Array.from({ length: 30 }, () => { const b = randomBytes(172); b[0] = (b[0] ?? 0) & 0x3f; return b; }));
      // 5. garbage at the RTCP port, from the caller's address
      await sendFrom(ADDRESS, 33001, rtcp, Array.from({ length: 10 }, () => randomBytes(60)));
      // 6. during the recording: a burst of 50 replayed packets (sequence numbers already heard)
      await sleep(Math.max(0, (greeting + 1) * 1000 - 1000));
      await sendOn(call, media, call.sent.slice(-60, -10));
      await sleep(2500);
    } finally {
      call.stopAudio();
      await audio;
    }
    const bye = await call.bye();
    call.close();
    assert.match(bye, /^SIP\/2\.0 200 /, 'the call was still up: BYE answered 200');
    const ended = await waitForCallEnded(() => site.server.stderr(), (c) => c.callId === call.callId);
    const rtp = ended.rtp;
    assert.ok(rtp, JSON.stringify(ended));
    console.log(`call ended: ${JSON.stringify({ rtp, jitterBuffer: ended.jitterBuffer })}`);
    assert.ok(rtp.droppedWrongSource >= 40, `droppedWrongSource ${rtp.droppedWrongSource}`);
    assert.ok((rtp.droppedOversized ?? 0) >= 20, `droppedOversized ${rtp.droppedOversized}`);
    assert.ok(rtp.droppedInvalid >= 30 + 20 + 30 + 10, `droppedInvalid ${rtp.droppedInvalid} (truncated 30 + oversized 20 + garbage 30 + RTCP 10)`);
    const jb = ended.jitterBuffer as { duplicates?: number; late?: number } | undefined;
    assert.ok((jb?.duplicates ?? 0) + (jb?.late ?? 0) + Number(rtp.droppedSeqJump ?? 0) >= 50, `replays not recognised: ${JSON.stringify(jb)}`);
    // the recording holds the real audio only: from the tone to our BYE, not lengthened by replays
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'stored');
    const sentSec = call.sent.length * 0.02;
    assert.ok(m.durationMs / 1000 <= sentSec - greeting + 0.3, `recorded ${m.durationMs} ms of ${sentSec.toFixed(2)} s sent after a ${greeting.toFixed(2)} s greeting`);
    // same worker processes, and they take the next call
    assert.deepEqual(childPids(site.server.process.pid ?? -1).sort(), workersBefore, 'no worker restarted');
    const next = await place(15072, 33010);
    const audio2 = next.startAudio(frames);
    await sleep(1000);
    next.stopAudio();
    await audio2;
    assert.match(await next.bye(), /^SIP\/2\.0 200 /);
    next.close();
    const ended2 = await waitForCallEnded(() => site.server.stderr(), (c) => c.callId === next.callId);
    assert.ok((ended2.rtp?.packetsIn ?? 0) >= 40, JSON.stringify(ended2.rtp));
  });
});
