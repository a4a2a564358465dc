// The Play on Phone application's keys (apps/play-on-phone.ts) over a scripted Call: 1 replays,
// 3 deletes and hangs up, # ends; played to the end marks the message read; a hang-up before the
// end leaves it unread.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Call, PlayResult } from '../../src/apps/call.js';
import { playOnPhone } from '../../src/apps/play-on-phone.js';

function scripted(results: PlayResult[]) {
  const log: string[] = [];
  const call = {
    callId: 'c1', active: true, ended: new Promise(() => undefined),
    play: async (_s: Int16Array, o?: { interruptDigits?: string }) => { log.push(`play(${o?.interruptDigits ?? ''})`); return results.shift() ?? { outcome: 'done' }; },
    hangup: () => { log.push('hangup'); },
  } as unknown as Call;
  const box = { read: 0, deleted: 0, markRead: async () => { box.read++; }, deleteMessage: async () => { box.deleted++; } };
  return { call, log, box };
}

const audio = new Int16Array(160);

describe('Play on Phone keys', () => {
  it('plays to the end, marks read and hangs up', async () => {
    const { call, log, box } = scripted([{ outcome: 'done' }]);
    assert.equal(await playOnPhone(call, audio, box), 'completed');
    assert.deepEqual(log, ['play(13#)', 'hangup']);
    assert.equal(box.read, 1);
  });

  it('1 replays from the start', async () => {
    const { call, log, box } = scripted([{ outcome: 'digit', digit: '1' }, { outcome: 'digit', digit: '1' }, { outcome: 'done' }]);
    assert.equal(await playOnPhone(call, audio, box), 'completed');
    assert.equal(log.filter((l) => l.startsWith('play')).length, 3);
    assert.equal(box.read, 1);
  });

  it('3 deletes the message and hangs up', async () => {
    const { call, log, box } = scripted([{ outcome: 'digit', digit: '3' }]);
    assert.equal(await playOnPhone(call, audio, box), 'deleted');
    assert.deepEqual(log, ['play(13#)', 'hangup']);
    assert.equal(box.deleted, 1);
  });

  it('# ends before the end (unread); hanging up ends it too', async () => {
    const a = scripted([{ outcome: 'digit', digit: '#' }]);
    assert.equal(await playOnPhone(a.call, audio, a.box), 'completed');
    assert.equal(a.box.read, 0);
    const b = scripted([{ outcome: 'hangup' }]);
    assert.equal(await playOnPhone(b.call, audio, b.box), 'hangup');
    assert.equal(b.box.read, 0);
  });

  it('replays are bounded', async () => {
    const { call, log, box } = scripted(Array.from({ length: 50 }, () => ({ outcome: 'digit', digit: '1' }) as PlayResult));
    assert.equal(await playOnPhone(call, audio, box), 'completed');
    assert.equal(log.filter((l) => l.startsWith('play')).length, 10);
  });
});
