// The replay list (RFC 3711 §3.3.2) and packet-index estimation (§3.3.1) on their own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateIndex, ReplayWindow } from '../../../src/media/srtp/replay-window.js';
import { rng } from '../../support/random.js';

describe('estimateIndex (RFC 3711 §3.3.1)', () => {
  it('follows the RFC cases', () => {
    assert.equal(estimateIndex(-1, 65000), 65000, 'first packet: ROC 0');
    assert.equal(estimateIndex(100, 101), 101);
    assert.equal(estimateIndex(100, 65500), -36, 'before the first roll-over: negative, dropped');
    assert.equal(estimateIndex(65536 + 100, 65500), 65500, 's_l < 2^15 and SEQ far above: ROC - 1');
    assert.equal(estimateIndex(65500, 10), 65536 + 10, 's_l >= 2^15 and SEQ far below: ROC + 1');
    assert.equal(estimateIndex(65500, 40000), 40000, 'same ROC');
    assert.equal(estimateIndex(5 * 65536 + 30000, 29000), 5 * 65536 + 29000);
  });
});

describe('ReplayWindow', () => {
  it('matches a reference bitmap window on a random walk', () => {
    const w = new ReplayWindow(64);
    const seen = new Set<number>();
    let top = -1;
    const rand = rng(12345);
    for (let step = 0; step < 20_000; step++) {
      const i = Math.max(0, top + Math.floor(rand() * 100) - 80);
      const expected = i > top ? 'new' : top - i >= 64 ? 'too-old' : seen.has(i) ? 'replay' : 'new';
      assert.equal(w.check(i), expected, `step ${step} index ${i} top ${top}`);
      if (expected === 'new' && rand() < 0.9) {
        w.accept(i);
        seen.add(i);
        top = Math.max(top, i);
      }
    }
  });

  it('handles 48-bit indices and larger windows', () => {
    const w = new ReplayWindow(128);
    const big = 2 ** 48 - 1;
    w.accept(big - 100);
    assert.equal(w.check(big - 100), 'replay');
    assert.equal(w.check(big - 100 - 127), 'new');
    assert.equal(w.check(big - 100 - 128), 'too-old');
    assert.equal(w.check(big), 'new');
    assert.throws(() => new ReplayWindow(63), RangeError);
  });
});
