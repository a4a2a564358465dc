// V8 flags for the processes `openum start` forks: the Call Router processes and the UM workers.
//
// Their young generation is capped at 2 MB per semi-space (V8's default lets it grow to 16 MB).
// Both roles allocate many short-lived objects per SIP message and keep few; with the default,
// V8 grows the young generation in steps while traffic lasts, and a process's RSS climbs by
// 10-25 MB over tens of minutes before it levels off, which looks like a leak in every long run
// (docs/RELIABILITY.md, "Call Router memory"). Capped, the same runs stay flat: 2,000 certificate
// swaps, every role within 1 % from the middle of the run to its end; redirect throughput was the
// same in an interleaved bench:sip A/B (bench/README.md). An operator who wants another size sets
// it in NODE_OPTIONS, which then wins.
const YOUNG_GENERATION = '--max-semi-space-size=2';

/** execArgv for a forked role process: the parent's own flags, plus the cap unless NODE_OPTIONS sets one. */
export function childExecArgv(parent: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = [...parent, env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size'));
  return chosen ? [...parent] : [...parent, YOUNG_GENERATION];
}
