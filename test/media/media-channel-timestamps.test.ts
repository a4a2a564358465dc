// RFC 3550 §5.1 over real RTP: while a MediaChannel plays nothing (silence while it records), its
// RTP timestamp still follows the sampling clock, so the next prompt's first packet has the marker
// bit (RFC 3551 §4.1) and a timestamp advanced by the samples that passed, not by one frame.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaChannel } from '../../src/media/media-channel.js';
import type { MediaClock, Tick } from '../../src/media/media-clock.js';
import { RtpPacket } from '../../src/media/rtp/rtp-packet.js';
import { PCMU, Phone, tone } from '../apps/phone.js';
import { allocate, waitFor } from './rtp/helpers.js';

const HOST = '127.0.104.2';

/** A clock the test ticks by hand: every frame time is exactly one tick. */
class HandClock {
  readonly #subscribers = new Set<Tick>();
  subscribe(fn: Tick): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }
  tick(times: number): void {
    for (let i = 0; i < times; i++) for (const fn of [...this.#subscribers]) fn(0);
  }
}

describe('MediaChannel timestamps across silence', () => {
  it('a prompt after 2.4 s of silence starts 19,200 samples (not 160) after the last packet, with the marker bit', async () => {
    const ports = await allocate(HOST);
    const phone = await Phone.open({ address: HOST, port: ports.port }, { address: HOST });
    const clock = new HandClock();
    const channel = new MediaChannel({
      ports, clock: clock as unknown as MediaClock, rtcpIntervalMs: 0,
      media: { codec: 'PCMU', payloadType: PCMU, remote: { address: HOST, port: phone.port } },
    });
    try {
      const first = channel.play(tone(100)); // 5 frames
      clock.tick(5);
      assert.equal(await first, true);
      clock.tick(120); // 2.4 s with nothing to play
      const second = channel.play(tone(40)); // 2 frames
      clock.tick(2);
      assert.equal(await second, true);
      await waitFor(() => phone.received.length >= 7, 'seven packets');
      const packets = phone.received.map((b) => RtpPacket.deSerialize(b)).sort((a, b) => ((a.sequenceNumber - b.sequenceNumber + 0x8000) & 0xffff) - 0x8000);
      const steps = packets.slice(1).map((p, i) => (p.timestamp - packets[i]!.timestamp) >>> 0);
      // frames 1-5 of the first prompt, then 120 silent frames, then the second prompt
      assert.deepEqual(steps, [160, 160, 160, 160, 160 * 121, 160]);
      assert.deepEqual(packets.map((p) => p.marker), [true, false, false, false, false, true, false]);
      assert.deepEqual(packets.slice(1).map((p, i) => (p.sequenceNumber - packets[i]!.sequenceNumber) & 0xffff), [1, 1, 1, 1, 1, 1], 'no sequence number is used by silence');
    } finally {
      await channel.close();
      await phone.close();
    }
  });
});
