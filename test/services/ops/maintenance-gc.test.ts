import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startMaintenanceGc } from '../../../src/services/ops/maintenance-gc.js';

/** A fake gc that resets the old generation to `live`, and counts its calls. */
function fakeHeap(live: number) {
  const heap = { used: live, calls: 0 };
  const gc = ((options: { execution?: string }) => {
    heap.calls++;
    assert.equal(options.execution, 'async');
    heap.used = live;
    return Promise.resolve();
  }) as NodeJS.GCFunction;
  return { heap, gc, oldUsed: () => heap.used };
}

test('without --expose-gc nothing is scheduled', () => {
  assert.equal(startMaintenanceGc({ everyMs: 10, garbageBytes: 1, gc: undefined }), undefined);
});

test('a full collection is asked for once the old generation has grown by garbageBytes, not before', async () => {
  const { heap, gc, oldUsed } = fakeHeap(100);
  const m = startMaintenanceGc({ everyMs: 5, garbageBytes: 50, gc, oldUsed });
  try {
    heap.used = 140;
    await sleep(40);
    assert.equal(heap.calls, 0, 'under the threshold');
    heap.used = 151;
    await sleep(40);
    assert.equal(heap.calls, 1);
    assert.equal(m?.collections, 1);
    assert.equal(heap.used, 100);
  } finally { m?.stop(); }
});

test('a collection V8 ran by itself lowers the floor the growth is counted from', async () => {
  const { heap, gc, oldUsed } = fakeHeap(100);
  heap.used = 130;
  const m = startMaintenanceGc({ everyMs: 5, garbageBytes: 50, gc, oldUsed });
  try {
    heap.used = 60; // V8's own collection
    await sleep(30);
    heap.used = 120; // 60 above the new floor
    await sleep(30);
    assert.equal(heap.calls, 1);
  } finally { m?.stop(); }
});

// npm test runs without --expose-gc (the Call Router processes have it: child-v8-flags.ts); V8's
// own gc function is reached here the way node's docs show for v8.setFlagsFromString.
function realGc(): NodeJS.GCFunction {
  if (globalThis.gc) return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as NodeJS.GCFunction;
}

test('the real gc runs as a task and resolves', async () => {
  const m = startMaintenanceGc({ everyMs: 5, garbageBytes: 0, gc: realGc() });
  await sleep(50);
  m?.stop();
  assert.ok((m?.collections ?? 0) >= 1);
});
