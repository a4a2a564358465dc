// The bench's C tools (rtpgen.c, stall-probe.c) are built at bench time into the work dir with the
// first C compiler found (CC, cc, gcc), -O2. `variants`: extra arguments to try in order (e.g. with
// libsrtp2, then without); the first that builds wins.
import { spawnSync } from 'node:child_process';

/** { path, compiler, variant } (variant: index into variants) or { error }. */
export function compileC(source, out, variants = [[]]) {
  for (const cc of [process.env.CC, 'cc', 'gcc'].filter(Boolean)) {
    let last;
    for (let v = 0; v < variants.length; v++) {
      last = spawnSync(cc, ['-O2', '-Wall', '-o', out, source, ...variants[v]], { encoding: 'utf8', timeout: 60_000 });
      if (last.error) break; // no such compiler: the next one
      if (last.status === 0) return { path: out, compiler: cc, variant: v };
    }
    if (last && !last.error) return { error: `${cc} failed: ${(last.stderr || '').trim().slice(-500)}` };
  }
  return { error: 'no C compiler (cc, gcc)' };
}
