import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartBackoff } from '../../src/services/restart-backoff.js';

test('crashes in a row double the wait up to 30 s; a stable run starts it over', () => {
  let now = 0;
  const b = new RestartBackoff(60_000, () => now);
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    b.started();
    now += 1_000; // crashes a second after each start
    const d = b.nextDelay();
    delays.push(d);
    now += d;
  }
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);

  b.started();
  now += 60_000; // ran stably for a minute
  assert.equal(b.nextDelay(), 1_000);
  assert.equal(b.streak, 1);
});

test('a run just short of stable keeps the streak', () => {
  let now = 0;
  const b = new RestartBackoff(60_000, () => now);
  b.started(); now += 10; b.nextDelay();
  b.started(); now += 59_999;
  assert.equal(b.nextDelay(), 2_000);
  assert.equal(b.streak, 2);
});
