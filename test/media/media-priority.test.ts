// The media thread's scheduling priority (src/media/thread/media-priority.ts): the thread asks
// Linux for real-time SCHED_RR and a lower nice value than the rest of the worker, and says what it
// got. With the real addon and a real media thread: as root (CI) the thread runs at real-time
// priority 10 and nice -10 while the process's main thread keeps its own, and OPENUM_MEDIA_NICE=0
// with OPENUM_MEDIA_REALTIME=0 asks for nothing. With a fake addon: not allowed (real-time refused
// while nice is allowed, too), a wrong setting, no addon — each said in an operator's words,
// never thrown.
import assert from 'node:assert/strict';
import { constants, getPriority } from 'node:os';
import { describe, it } from 'node:test';
import { loadUdpAddon } from '../../src/media/native/udp.js';
import { applyMediaPriority, DEFAULT_MEDIA_NICE, DEFAULT_MEDIA_REALTIME, type ThreadPriorityAddon } from '../../src/media/thread/media-priority.js';
import type { MediaPriority } from '../../src/media/thread/media-priority.js';
import { ThreadMediaHost } from '../../src/media/thread/thread-media-host.js';

const HOST = '127.0.104.7';
const RANGE = { min: 36400, max: 36499 };
const root = process.getuid?.() === 0;
const udp = loadUdpAddon();

/** A thread's nice value as Linux says, from an addon that answers like the real one. */
function fakeAddon(result: number, realtimeResult = result): ThreadPriorityAddon & { nice: number; rt: number } {
  const a = {
    nice: 0,
    rt: 0,
    setThreadNice: (n: number) => { if (result === 0) a.nice = n; return result; },
    threadNice: () => a.nice,
    setThreadRealtime: (p: number) => { if (realtimeResult === 0) a.rt = p; return realtimeResult; },
    threadRealtime: () => a.rt,
  };
  return a;
}

async function threadPriority(env: NodeJS.ProcessEnv): Promise<MediaPriority> {
  let told: MediaPriority | undefined;
  const host = new ThreadMediaHost({ env, onPriority: (p) => { told = p; } });
  try {
    (await host.allocate(HOST, RANGE)).release(); // starts the thread
    for (let i = 0; i < 100 && !told; i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await host.stop();
  }
  assert.ok(told, 'the thread said which priority it got');
  assert.deepEqual(host.priority, told);
  return told;
}

describe('media thread priority', () => {
  it('a real media thread runs at real-time priority 10 and nice -10 while the process keeps its own', { skip: !udp.addon ? `native/udp not loaded (${udp.why})` : !root ? 'needs root (or CAP_SYS_NICE)' : false }, async () => {
    const p = await threadPriority({ ...process.env, OPENUM_MEDIA_NICE: '', OPENUM_MEDIA_REALTIME: '' });
    assert.deepEqual(p, { wanted: DEFAULT_MEDIA_NICE, nice: DEFAULT_MEDIA_NICE, wantedRealtime: DEFAULT_MEDIA_REALTIME, realtime: DEFAULT_MEDIA_REALTIME });
    assert.equal(getPriority(), 0, 'only the media thread moved');
    assert.equal((udp.addon as unknown as ThreadPriorityAddon).threadRealtime(), 0, 'this thread keeps the ordinary policy');
  });

  it('OPENUM_MEDIA_NICE=0 and OPENUM_MEDIA_REALTIME=0 leave the thread as it is', { skip: udp.addon ? false : `native/udp not loaded (${udp.why})` }, async () => {
    assert.deepEqual(await threadPriority({ ...process.env, OPENUM_MEDIA_NICE: '0', OPENUM_MEDIA_REALTIME: '0' }), { wanted: 0, nice: 0, wantedRealtime: 0, realtime: 0 });
  });

  it('neither allowed: one problem naming both limits', () => {
    const p = applyMediaPriority(fakeAddon(-constants.errno.EPERM), {});
    assert.deepEqual([p.nice, p.realtime], [0, 0]);
    assert.equal(p.problem, 'not allowed to raise the media thread\'s priority (real-time 10, nor nice -10), so it runs at the ordinary priority: '
      + 'run as root, or grant CAP_SYS_NICE (systemd: AmbientCapabilities=CAP_SYS_NICE) or limits (LimitRTPRIO=10, LimitNICE=-10); '
      + 'OPENUM_MEDIA_REALTIME=0 and OPENUM_MEDIA_NICE=0 ask for nothing');
  });

  it('real-time refused while nice is allowed: the thread runs at nice -10, and the problem names the ways to allow it', () => {
    const p = applyMediaPriority(fakeAddon(0, -constants.errno.EPERM), {});
    assert.deepEqual([p.nice, p.realtime], [-10, 0]);
    assert.equal(p.problem, 'not allowed to give the media thread real-time priority 10 (SCHED_RR), so it runs at nice -10: run as root, '
      + 'or grant CAP_SYS_NICE or a real-time limit (systemd: LimitRTPRIO=10); OPENUM_MEDIA_REALTIME=0 asks for none');
    assert.deepEqual(applyMediaPriority(fakeAddon(0), { OPENUM_MEDIA_REALTIME: '5' }), { wanted: -10, nice: -10, wantedRealtime: 5, realtime: 5 });
  });

  it('not allowed: the thread stays where it is, and the problem names the ways to allow it', () => {
    for (const errno of [constants.errno.EACCES, constants.errno.EPERM]) {
      const p = applyMediaPriority(fakeAddon(-errno), { OPENUM_MEDIA_REALTIME: '0' });
      assert.equal(p.nice, 0);
      assert.equal(p.wanted, -10);
      assert.match(p.problem ?? '', /not allowed to give the media thread nice -10 \(it stays at 0\): run as root, or grant CAP_SYS_NICE .*LimitNICE=.*OPENUM_MEDIA_NICE=0 asks for nothing/);
    }
  });

  it('a wrong OPENUM_MEDIA_NICE is named and the default used', () => {
    for (const raw of ['high', '-21', '20', '1.5']) {
      const a = fakeAddon(0);
      const p = applyMediaPriority(a, { OPENUM_MEDIA_NICE: raw });
      assert.equal(p.nice, -10);
      assert.equal(p.problem, `OPENUM_MEDIA_NICE="${raw}" is not an integer from -20 to 19; using -10`);
    }
    for (const raw of ['rr', '-1', '100', '2.5']) {
      const p = applyMediaPriority(fakeAddon(0), { OPENUM_MEDIA_REALTIME: raw });
      assert.equal(p.realtime, 10);
      assert.equal(p.problem, `OPENUM_MEDIA_REALTIME="${raw}" is not an integer from 0 to 99; using 10`);
    }
    assert.deepEqual(applyMediaPriority(fakeAddon(0), { OPENUM_MEDIA_NICE: '-5' }), { wanted: -5, nice: -5, wantedRealtime: 10, realtime: 10 });
  });

  it('without the addon the media keeps the ordinary priority, and says why', () => {
    assert.match(applyMediaPriority(undefined, {}, 'OPENUM_NATIVE=0').problem ?? '', /native\/udp is not in use \(OPENUM_NATIVE=0\), so the media thread keeps the ordinary priority/);
    assert.match(applyMediaPriority({ threadNice: () => 0 }, {}).problem ?? '', /an older build: node scripts\/build-native\.mjs/);
  });
});
