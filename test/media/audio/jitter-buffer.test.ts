import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JitterBuffer, type AudioPacket, type JitterFrame } from '../../../src/media/audio/jitter-buffer.js';
import { rng } from './signals.js';

/** Frame i is filled with the value i + 1, so the output order can be read back. */
const packet = (i: number, seq0 = 1000, ts0 = 50_000): AudioPacket => ({
  seq: (seq0 + i) & 0xffff,
  timestamp: (ts0 + i * 160) >>> 0,
  samples: new Int16Array(160).fill(i + 1),
});
const valueOf = (f: JitterFrame): number => f.samples[0] as number;

interface Arrival { at: number; p: AudioPacket }

/** Plays `arrivals` through the buffer on a 20 ms clock for `ticks` ticks, then drains it. */
function play(jb: JitterBuffer, arrivals: Arrival[], ticks: number): JitterFrame[] {
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  const out: JitterFrame[] = [];
  let k = 0;
  for (let t = 0; t < ticks; t++) {
    while (k < sorted.length && (sorted[k] as Arrival).at <= t * 20) jb.push((sorted[k++] as Arrival).p);
    const f = jb.pop();
    if (f) out.push({ samples: f.samples.slice(), kind: f.kind }); // pop()'s frame is reused
  }
  while (k < sorted.length) jb.push((sorted[k++] as Arrival).p);
  return [...out, ...jb.drain()];
}

describe('jitter buffer', () => {
  it('holds the target delay, then gives one frame per tick in order', () => {
    const jb = new JitterBuffer({ targetDelayMs: 60 });
    const popped: (JitterFrame | null)[] = [];
    for (let i = 0; i < 10; i++) {
      jb.push(packet(i));
      const f = jb.pop();
      popped.push(f && { samples: f.samples.slice(), kind: f.kind });
    }
    assert.deepEqual(popped.map((f) => (f ? valueOf(f) : null)), [null, null, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(jb.drain().map(valueOf), [9, 10]);
  });

  it('keeps real time under jitter, reordering, loss and duplicates: N frames out for N frames of time', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const n = 500;
      const lost = new Set<number>();
      const arrivals: Arrival[] = [];
      let dups = 0;
      for (let i = 0; i < n; i++) {
        if (i > 0 && i < n - 1 && r() < 0.05) {
          lost.add(i);
          continue;
        }
        arrivals.push({ at: i * 20 + r() * 45, p: packet(i, seed * 3000, seed * 7919) });
        if (r() < 0.05) {
          dups++;
          arrivals.push({ at: i * 20 + r() * 45, p: packet(i, seed * 3000, seed * 7919) });
        }
      }
      const jb = new JitterBuffer({ targetDelayMs: 60 });
      const out = play(jb, arrivals, n);
      assert.equal(out.length, n, `seed ${seed}`);
      out.forEach((f, i) => {
        if (lost.has(i)) assert.notEqual(f.kind, 'audio');
        else assert.equal(valueOf(f), i + 1, `seed ${seed} frame ${i}`);
      });
      const s = jb.stats;
      assert.equal(s.concealed, lost.size);
      assert.equal(s.duplicates, dups);
      assert.equal(s.late, 0);
      assert.equal(s.played, n - lost.size);
    }
  });

  it('orders across the sequence number wrap 65535 → 0 and the timestamp wrap 2^32 → 0', () => {
    const jb = new JitterBuffer();
    const order = [0, 2, 1, 3, 5, 4, 6, 7, 9, 8];
    for (const i of order) jb.push(packet(i, 65531, 0xffffffff - 480));
    assert.deepEqual(jb.drain().map(valueOf), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('conceals a lost frame with the last one attenuated, then silence', () => {
    const jb = new JitterBuffer({ targetDelayMs: 20, repeatFrames: 2 });
    const loud = packet(0);
    loud.samples.fill(8000);
    jb.push(loud);
    jb.push(packet(5));
    const out = jb.drain();
    assert.deepEqual(out.map((f) => f.kind), ['audio', 'concealed', 'concealed', 'silence', 'silence', 'audio']);
    assert.deepEqual(out.map(valueOf), [8000, 4000, 2000, 0, 0, 6]);
    assert.equal(jb.stats.concealed, 4);
  });

  it('drops a packet that arrives after its frame was played, and counts it late', () => {
    const jb = new JitterBuffer({ targetDelayMs: 40 });
    jb.push(packet(0));
    jb.push(packet(2));
    jb.push(packet(3));
    assert.deepEqual([jb.pop()?.kind, jb.pop()?.kind], ['audio', 'concealed']);
    jb.push(packet(1));
    jb.push(packet(0));
    assert.deepEqual([jb.stats.late, jb.stats.duplicates], [1, 1]);
  });

  it('fills a silent pause between talk spurts (timestamp gap, marker) to keep the recording length', () => {
    const jb = new JitterBuffer();
    for (let i = 0; i < 5; i++) jb.push(packet(i));
    // Sequence continues, timestamp skips 50 frames (1 s of DTX), marker on the new spurt.
    for (let i = 0; i < 5; i++) jb.push({ ...packet(55 + i, 1000 - 50), marker: i === 0 });
    const out = jb.drain();
    assert.equal(out.length, 60);
    assert.equal(out.filter((f) => f.kind === 'audio').length, 10);
    assert.deepEqual(out.slice(55).map(valueOf), [56, 57, 58, 59, 60]);
  });

  it('follows the sequence numbers through a timestamp jump, and a new stream after both jump', () => {
    const jb = new JitterBuffer();
    for (let i = 0; i < 3; i++) jb.push(packet(i));
    for (let i = 3; i < 6; i++) jb.push(packet(i, 1000, 987_654_321)); // timestamp jumps
    for (let i = 6; i < 9; i++) jb.push(packet(i, 40_000, 5)); // both jump: new stream
    assert.deepEqual(jb.drain().map(valueOf), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual([jb.stats.timestampJumps, jb.stats.resyncs], [1, 1]);
  });

  it('splits packets longer than a frame (40 ms ptime) into 20 ms frames', () => {
    const jb = new JitterBuffer();
    for (let i = 0; i < 4; i++) {
      const samples = new Int16Array(320);
      samples.fill(2 * i + 1, 0, 160);
      samples.fill(2 * i + 2, 160);
      jb.push({ seq: i, timestamp: i * 320, samples });
    }
    assert.deepEqual(jb.drain().map(valueOf), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('stays bounded in memory when fed without being read', () => {
    const jb = new JitterBuffer({ maxFrames: 50 });
    for (let i = 0; i < 1000; i++) jb.push(packet(i));
    assert.ok(jb.bufferedMs <= 50 * 20);
    const out = jb.drain();
    assert.equal(out.length, 50);
    assert.equal(valueOf(out[49] as JitterFrame), 1000);
    assert.equal(jb.stats.overflow, 950);
  });
});
