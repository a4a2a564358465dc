// The media thread's scheduling priority. Its 20 ms clock is the one deadline in a UM worker: a
// tick that waits for a core behind the worker's own event loop (SIP, the store, recordings' file
// writes), the Call Router or anything else on the machine reaches the caller as jitter. So the
// media thread asks Linux for a lower nice value than the rest (its own thread only: on Linux a
// nice value belongs to a thread). Media servers do the same (Asterisk's -p, FreeSWITCH's -rp,
// both real-time); a nice value is the milder form: the thread goes first, nothing starves.
// OPENUM_MEDIA_NICE sets it (-20..19; 0 leaves the thread as it is). Raising a priority needs root,
// CAP_SYS_NICE (systemd: AmbientCapabilities=CAP_SYS_NICE) or RLIMIT_NICE (LimitNICE=); without
// them the media runs at the ordinary priority and the worker says so once.
import { constants } from 'node:os';

export const DEFAULT_MEDIA_NICE = -10;

export interface ThreadPriorityAddon {
  /** 0, or -errno */
  setThreadNice(nice: number): number;
  threadNice(): number;
}

export interface MediaPriority {
  /** what was asked (OPENUM_MEDIA_NICE or the default) */
  wanted: number;
  /** the thread's nice value now */
  nice: number;
  /** why it is not what was asked, in an operator's words */
  problem?: string;
}

/** The nice value asked for: OPENUM_MEDIA_NICE, or the default; a wrong value is the problem. */
export function wantedMediaNice(env: NodeJS.ProcessEnv): { nice: number; problem?: string } {
  const raw = env.OPENUM_MEDIA_NICE;
  if (raw === undefined || raw === '') return { nice: DEFAULT_MEDIA_NICE };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -20 || n > 19) {
    return { nice: DEFAULT_MEDIA_NICE, problem: `OPENUM_MEDIA_NICE="${raw}" is not an integer from -20 to 19; using ${DEFAULT_MEDIA_NICE}` };
  }
  return { nice: n };
}

/** Sets the calling thread's nice value as asked; never throws. */
export function applyMediaPriority(addon: Partial<ThreadPriorityAddon> | undefined, env: NodeJS.ProcessEnv, why = 'not built'): MediaPriority {
  const wanted = wantedMediaNice(env);
  const notes = wanted.problem ? [wanted.problem] : [];
  if (typeof addon?.setThreadNice !== 'function' || typeof addon.threadNice !== 'function') {
    notes.push(`native/udp is not in use (${addon ? 'an older build: node scripts/build-native.mjs' : why}), so the media thread keeps the ordinary priority`);
    return { wanted: wanted.nice, nice: 0, problem: notes.join('; ') };
  }
  const before = addon.threadNice();
  if (wanted.nice === before) return { wanted: wanted.nice, nice: before, ...(notes.length ? { problem: notes.join('; ') } : {}) };
  const rc = addon.setThreadNice(wanted.nice);
  if (rc === -constants.errno.EACCES || rc === -constants.errno.EPERM) {
    notes.push(`not allowed to give the media thread nice ${wanted.nice} (it stays at ${before}): run as root, or grant CAP_SYS_NICE `
      + '(systemd: AmbientCapabilities=CAP_SYS_NICE) or a nice limit (LimitNICE=); OPENUM_MEDIA_NICE=0 asks for nothing');
  } else if (rc !== 0) {
    notes.push(`setting the media thread's nice value to ${wanted.nice} failed (errno ${-rc})`);
  }
  return { wanted: wanted.nice, nice: addon.threadNice(), ...(notes.length ? { problem: notes.join('; ') } : {}) };
}
