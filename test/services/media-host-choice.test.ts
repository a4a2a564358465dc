// The worker's choice of media host (src/services/worker/media-host-choice.ts) says what it chose
// when the worker starts, and a wrong OPENUM_MEDIA_NICE is said then too, before any call starts
// the media thread (which says it again with the priority it got).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { mediaHost } from '../../src/services/worker/media-host-choice.js';

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s) as { level: number; msg: string }); } });
  return { log, lines };
}

describe('media host choice', () => {
  it('a wrong OPENUM_MEDIA_NICE is a warning at start, naming the setting and what is used', async () => {
    const { log, lines } = capture();
    const host = mediaHost(log, { ...process.env, OPENUM_MEDIA_NICE: 'high' });
    try {
      const warned = lines.filter((l) => l.level === 40).map((l) => l.msg);
      assert.deepEqual(warned, ['media thread: OPENUM_MEDIA_NICE="high" is not an integer from -20 to 19; using -10']);
      assert.ok(lines.some((l) => /^call media on a media thread/.test(l.msg)));
    } finally {
      await host.stop();
    }
  });

  it('a right one, or none, says nothing at start', async () => {
    for (const value of ['-5', '0', '']) {
      const { log, lines } = capture();
      const host = mediaHost(log, { ...process.env, OPENUM_MEDIA_NICE: value });
      await host.stop();
      assert.deepEqual(lines.filter((l) => l.level >= 40), [], `OPENUM_MEDIA_NICE="${value}"`);
    }
  });
});
