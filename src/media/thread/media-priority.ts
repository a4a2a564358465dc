// The media thread's scheduling priority. Its 20 ms clock is the one deadline in a UM worker: a
// tick that waits for a core behind the worker's own event loop (SIP, the store, recordings' file
// writes), the Call Router or anything else on the machine reaches the caller as jitter. So the
// media thread asks Linux for a real-time policy, SCHED_RR at priority 10, and for a lower nice
// value than the rest (-10), which is what it keeps where real-time is not allowed. Both are the
// thread's own (on Linux they belong to a thread, not a process). Media servers do the same
// (Asterisk's -p, FreeSWITCH's -rp: real-time). Real-time cannot take the machine: a media
// thread is one thread, so it can hold at most one core, and Linux keeps 5 % of each second for
// ordinary threads (sched_rt_runtime_us). Measured (bench/README.md, "The worker's other threads,
// GC and real-time media threads"): the receiver's jitter p99 was lower in each of 8 alternating
// pairs at 700 and 1,000 calls.
// OPENUM_MEDIA_REALTIME sets the priority (1..99; 0 asks for none), OPENUM_MEDIA_NICE the nice
// value (-20..19; 0 leaves it). Both need root, CAP_SYS_NICE (systemd: AmbientCapabilities=
// CAP_SYS_NICE) or limits (LimitRTPRIO=, LimitNICE=); without them the media runs at the ordinary
// priority and the worker says so once.
import { constants } from 'node:os';

export const DEFAULT_MEDIA_NICE = -10;
export const DEFAULT_MEDIA_REALTIME = 10;

export interface ThreadPriorityAddon {
  /** 0, or -errno */
  setThreadNice(nice: number): number;
  threadNice(): number;
  /** SCHED_RR at 1..99, SCHED_OTHER with 0: 0, or -errno */
  setThreadRealtime(priority: number): number;
  /** the SCHED_RR/SCHED_FIFO priority, 0 for none */
  threadRealtime(): number;
}

export interface MediaPriority {
  /** the nice value asked (OPENUM_MEDIA_NICE or the default) */
  wanted: number;
  /** the thread's nice value now */
  nice: number;
  /** the real-time priority asked (OPENUM_MEDIA_REALTIME or the default; 0: none) */
  wantedRealtime: number;
  /** the thread's real-time priority now (0: none, the ordinary policy) */
  realtime: number;
  /** why it is not what was asked, in an operator's words */
  problem?: string;
}

interface Wanted {
  value: number;
  problem?: string;
}

function wantedInt(env: NodeJS.ProcessEnv, name: string, min: number, max: number, fallback: number): Wanted {
  const raw = env[name];
  if (raw === undefined || raw === '') return { value: fallback };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return { value: fallback, problem: `${name}="${raw}" is not an integer from ${min} to ${max}; using ${fallback}` };
  return { value: n };
}

/** The nice value asked for: OPENUM_MEDIA_NICE, or the default; a wrong value is the problem. */
export function wantedMediaNice(env: NodeJS.ProcessEnv): { nice: number; problem?: string } {
  const w = wantedInt(env, 'OPENUM_MEDIA_NICE', -20, 19, DEFAULT_MEDIA_NICE);
  return { nice: w.value, ...(w.problem ? { problem: w.problem } : {}) };
}

/** The real-time priority asked for: OPENUM_MEDIA_REALTIME, or the default; a wrong value is the problem. */
export function wantedMediaRealtime(env: NodeJS.ProcessEnv): { priority: number; problem?: string } {
  const w = wantedInt(env, 'OPENUM_MEDIA_REALTIME', 0, 99, DEFAULT_MEDIA_REALTIME);
  return { priority: w.value, ...(w.problem ? { problem: w.problem } : {}) };
}

const refused = (rc: number) => rc === -constants.errno.EACCES || rc === -constants.errno.EPERM;

/** Sets the calling thread's nice value and real-time priority as asked; never throws. */
export function applyMediaPriority(addon: Partial<ThreadPriorityAddon> | undefined, env: NodeJS.ProcessEnv, why = 'not built'): MediaPriority {
  const nice = wantedMediaNice(env);
  const rt = wantedMediaRealtime(env);
  const notes = [nice.problem, rt.problem].filter((p): p is string => p !== undefined);
  const result = (now: { nice: number; realtime: number }): MediaPriority =>
    ({ wanted: nice.nice, nice: now.nice, wantedRealtime: rt.priority, realtime: now.realtime, ...(notes.length ? { problem: notes.join('; ') } : {}) });
  if (typeof addon?.setThreadNice !== 'function' || typeof addon.threadNice !== 'function') {
    notes.push(`native/udp is not in use (${addon ? 'an older build: node scripts/build-native.mjs' : why}), so the media thread keeps the ordinary priority`);
    return result({ nice: 0, realtime: 0 });
  }
  const before = addon.threadNice();
  const niceRc = nice.nice !== before ? addon.setThreadNice(nice.nice) : 0;
  const setRealtime = addon.setThreadRealtime;
  const realtimeNow = addon.threadRealtime;
  const canRealtime = typeof setRealtime === 'function' && typeof realtimeNow === 'function';
  const rtRc = canRealtime && rt.priority !== realtimeNow() ? setRealtime(rt.priority) : 0;
  if (refused(niceRc) && refused(rtRc)) {
    notes.push(`not allowed to raise the media thread's priority (real-time ${rt.priority}, nor nice ${nice.nice}), so it runs at the ordinary `
      + 'priority: run as root, or grant CAP_SYS_NICE (systemd: AmbientCapabilities=CAP_SYS_NICE) or limits '
      + `(LimitRTPRIO=${rt.priority}, LimitNICE=${nice.nice}); OPENUM_MEDIA_REALTIME=0 and OPENUM_MEDIA_NICE=0 ask for nothing`);
    return result({ nice: addon.threadNice(), realtime: 0 });
  }
  if (refused(niceRc)) {
    notes.push(`not allowed to give the media thread nice ${nice.nice} (it stays at ${before}): run as root, or grant CAP_SYS_NICE `
      + '(systemd: AmbientCapabilities=CAP_SYS_NICE) or a nice limit (LimitNICE=); OPENUM_MEDIA_NICE=0 asks for nothing');
  } else if (niceRc !== 0) {
    notes.push(`setting the media thread's nice value to ${nice.nice} failed (errno ${-niceRc})`);
  }
  if (!canRealtime && rt.priority > 0) notes.push('real-time priority needs a newer build of native/udp (node scripts/build-native.mjs)');
  if (refused(rtRc)) {
    notes.push(`not allowed to give the media thread real-time priority ${rt.priority} (SCHED_RR), so it runs at nice ${addon.threadNice()}: `
      + `run as root, or grant CAP_SYS_NICE or a real-time limit (systemd: LimitRTPRIO=${rt.priority}); OPENUM_MEDIA_REALTIME=0 asks for none`);
  } else if (rtRc !== 0) {
    notes.push(`setting the media thread's real-time priority to ${rt.priority} failed (errno ${-rtRc})`);
  }
  return result({ nice: addon.threadNice(), realtime: canRealtime ? realtimeNow() : 0 });
}
