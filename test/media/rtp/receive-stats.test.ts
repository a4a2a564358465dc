// Reception statistics per RFC 3550 appendix A: A.1 sequence tracking, A.3 loss, A.8 jitter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReceiveStats } from '../../../src/media/rtp/receive-stats.js';

function feed(seqs: number[], clockRate = 8000): ReceiveStats {
  const s = new ReceiveStats(1, seqs[0]!, clockRate);
  for (const seq of seqs.slice(1)) s.updateSeq(seq & 0xffff);
  return s;
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('ReceiveStats (RFC 3550 A.1, A.3)', () => {
  it('counts across a sequence number wrap-around with extended cycles', () => {
    const s = feed(range(65_000, 1000));
    assert.equal(s.received, 1000);
    assert.equal(s.expected, 1000);
    assert.equal(s.lost, 0);
    assert.equal(s.extendedMax, 65_536 + ((65_000 + 999) & 0xffff));
    assert.equal(s.reportBlock(0).highestSequence, 65_536 + 463);
  });

  it('computes cumulative and fraction lost when sequence numbers are skipped', () => {
    const s = feed(range(100, 100).filter((q) => q !== 110 && q !== 120 && q !== 130));
    assert.equal(s.expected, 100);
    assert.equal(s.lost, 3);
    const block = s.reportBlock(0);
    assert.equal(block.cumulativeLost, 3);
    assert.equal(block.fractionLost, Math.floor((3 * 256) / 100));
    // Next interval: 50 more, none lost → fraction 0, cumulative unchanged.
    for (const q of range(200, 50)) s.updateSeq(q);
    assert.equal(s.takeFractionLost(), 0);
    assert.equal(s.lost, 3);
  });

  it('counts late and duplicate packets (loss may go negative) without moving the highest sequence', () => {
    const s = feed([10, 11, 13, 12, 13, 13]);
    assert.equal(s.extendedMax, 13);
    assert.equal(s.received, 6);
    assert.equal(s.lost, -2);
    assert.equal(s.reportBlock(0).fractionLost, 0);
  });

  it('drops a lone jump and restarts after two sequential packets (source restart)', () => {
    const s = feed(range(1, 10));
    assert.equal(s.updateSeq(40_000), 'jump');
    assert.equal(s.lost, 0);
    assert.equal(s.updateSeq(5_000), 'jump');
    assert.equal(s.updateSeq(5_001), 'ok'); // follows the previous jump → restart
    assert.equal(s.expected, 1);
    assert.equal(s.received, 1);
  });

  it('fills LSR and DLSR from the last SR', () => {
    const s = feed([1, 2]);
    const block = s.reportBlock(1500, { middle: 0x12345678, arrivalMs: 1000 });
    assert.equal(block.lsr, 0x12345678);
    assert.equal(block.dlsr, 32768); // 0.5 s in 1/65536 s
    assert.equal(s.reportBlock(0).lsr, 0);
  });
});

describe('ReceiveStats jitter (RFC 3550 A.8)', () => {
  it('is zero when packets arrive exactly on their timestamps, even across a timestamp wrap', () => {
    const s = new ReceiveStats(1, 0, 8000);
    let ts = 2 ** 32 - 1600;
    for (let i = 0; i < 100; i++, ts = (ts + 160) % 2 ** 32) s.updateJitter(1000 + 20 * i, ts);
    assert.ok(s.jitter < 1e-6, `jitter ${s.jitter}`);
  });

  it('converges to the delay variation: alternating 0/10 ms delay gives ~10 ms', () => {
    const s = new ReceiveStats(1, 0, 8000);
    for (let i = 0; i < 200; i++) s.updateJitter(20 * i + (i % 2 ? 10 : 0), 160 * i);
    // J_n = 80 (1 - (15/16)^(n-1)) timestamp units
    const expected = 80 * (1 - (15 / 16) ** 199);
    assert.ok(Math.abs(s.jitter - expected) < 1e-6, `${s.jitter} vs ${expected}`);
    assert.ok(Math.abs(s.jitterMs - 10) < 0.01);
    assert.equal(s.reportBlock(0).jitter, 79);
  });
});
