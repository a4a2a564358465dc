import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childExecArgv } from '../../src/services/child-v8-flags.js';

test('forked roles get a fixed young generation after the parent\'s own flags; the Call Router also gc for its maintenance collections, a UM worker scavenges on its own threads', () => {
  const worker = ['--min-semi-space-size=8', '--max-semi-space-size=8', '--no-parallel-scavenge'];
  assert.deepEqual(childExecArgv('um-worker', ['--enable-source-maps'], {}), ['--enable-source-maps', ...worker]);
  assert.deepEqual(childExecArgv('um-worker', [], { NODE_OPTIONS: '--max-old-space-size=512' }), worker);
  assert.deepEqual(childExecArgv('call-router', [], {}), ['--max-semi-space-size=2', '--expose-gc']);
});

test('a size the operator chose (NODE_OPTIONS or the parent\'s flags) is kept, not overridden', () => {
  assert.deepEqual(childExecArgv('um-worker', [], { NODE_OPTIONS: '--max-semi-space-size=8' }), ['--no-parallel-scavenge']);
  assert.deepEqual(childExecArgv('um-worker', ['--max-semi-space-size=16'], {}), ['--max-semi-space-size=16', '--no-parallel-scavenge']);
  assert.deepEqual(childExecArgv('um-worker', ['--parallel-scavenge'], { NODE_OPTIONS: '--max-semi-space-size=8' }), ['--parallel-scavenge']);
  assert.deepEqual(childExecArgv('call-router', ['--expose-gc'], {}), ['--expose-gc', '--max-semi-space-size=2']);
});
