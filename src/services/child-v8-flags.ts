// V8 flags for the processes `openum start` forks: the Call Router processes and the UM workers.
//
// Young generation: a fixed size, so that it does not grow. Both roles allocate many short-lived
// objects per SIP message and keep few; with V8's default, the young generation grows in steps
// (up to 16 MB a semi-space) while traffic lasts, and a process's RSS climbs by 10-25 MB over tens
// of minutes before it levels off, which looks like a leak in every long run (docs/RELIABILITY.md,
// "Call Router memory"). Capped at 2 MB, the same runs stay flat: 2,000 certificate swaps, every
// role within 1 % from the middle of the run to its end; redirect throughput was the same in an
// interleaved bench:sip A/B (bench/README.md). The Call Router keeps 2 MB. A UM worker gets 8 MB,
// minimum and maximum (flat too): its media thread allocates per RTP packet, 50,000 packets a
// second at 500 calls, and with 2 MB it collected 14 times a second, each time stopping the 20 ms
// clock. Measured at 1,000 calls (bench:media, --trace-gc, both workers, 20 s calls): the media
// threads made 115 scavenges (475 ms in all) instead of 484 (1,463 ms), the main threads 40
// (649 ms) instead of 240 (2,083 ms); RSS per call 550 KB instead of 482.
//
// Call Router only, `--expose-gc`: at a UM server's call rates a Call Router process allocates too
// little for V8 to run a full collection for an hour or more, and its memory creeps up meanwhile;
// ops/maintenance-gc.ts asks for one when its old generation has grown by 2 MB of garbage.
//
// UM worker only, `--no-parallel-scavenge`: a young-generation collection runs on the thread
// that allocated, not shared with V8's helper threads. Those helpers run at the normal priority,
// while the media thread runs above it (media/thread/media-priority.ts): on a busy machine the
// media thread's collection waited for helpers that waited for a core. Measured at 1,000 calls
// (bench:media, --trace-gc): the media threads' scavenges took 523-607 ms in all instead of
// 967-972 ms, the longest 20-27 ms instead of 42-48 ms.
//
// An operator who wants other settings sets them in NODE_OPTIONS or on the parent's command line,
// which then win.
const YOUNG_GENERATION = '--max-semi-space-size=2';
const WORKER_YOUNG_GENERATION = ['--min-semi-space-size=8', '--max-semi-space-size=8'];
const EXPOSE_GC = '--expose-gc';
const OWN_THREAD_SCAVENGE = '--no-parallel-scavenge';

export type ForkedRole = 'call-router' | 'um-worker';

/**
 * The operator set this flag, either way (`--parallel-scavenge` counts for `--no-parallel-scavenge`);
 * either young-generation bound counts for both.
 */
const chosen = (flag: string, parent: readonly string[], env: NodeJS.ProcessEnv): boolean => {
  const name = flag.replace(/^--(no-)?/, '').replace(/=.*/, '').replace(/^(min|max)-semi/, 'semi');
  return [...parent, env.NODE_OPTIONS ?? ''].some((a) => a.includes(name));
};

/** execArgv for a forked role process: the parent's own flags, plus ours where the operator set none. */
export function childExecArgv(role: ForkedRole, parent: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): string[] {
  const ours = role === 'call-router' ? [YOUNG_GENERATION, EXPOSE_GC] : [...WORKER_YOUNG_GENERATION, OWN_THREAD_SCAVENGE];
  return [...parent, ...ours.filter((f) => !chosen(f, parent, env))];
}
