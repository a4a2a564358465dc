import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MediaClock } from '../../src/media/media-clock.js';

test('a tick runs its phases in order: send, the afterSend hooks, first (receive), then the rest (capture)', async () => {
  const clock = new MediaClock(5);
  const order: string[] = [];
  const unhook = clock.afterSend(() => order.push('flush'));
  assert.equal(clock.subscribers, 0, 'a hook alone does not count as a subscriber');
  let done!: () => void;
  const ticked = new Promise<void>((resolve) => (done = resolve));
  const subs = [
    clock.subscribe(() => {
      order.push('capture');
      if (order.length >= 5) done();
    }),
    clock.subscribe(() => order.push('receive'), { first: true }),
    clock.subscribe(() => order.push('send'), { phase: 'send' }),
  ];
  await ticked;
  for (const u of subs) u();
  unhook();
  assert.deepEqual(order.slice(0, 4), ['send', 'flush', 'receive', 'capture']);
  assert.equal(clock.subscribers, 0);
});

test('a throwing subscriber or hook is counted and the tick goes on', async () => {
  const clock = new MediaClock(5);
  const seen: string[] = [];
  const unhook = clock.afterSend(() => { throw new Error('hook'); });
  let done!: () => void;
  const ticked = new Promise<void>((resolve) => (done = resolve));
  const subs = [
    clock.subscribe(() => { throw new Error('send'); }, { phase: 'send' }),
    clock.subscribe(() => { seen.push('capture'); done(); }),
  ];
  await ticked;
  for (const u of subs) u();
  unhook();
  assert.deepEqual(seen.slice(0, 1), ['capture']);
  assert.ok(clock.errors >= 2);
});
