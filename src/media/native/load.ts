// Optional native addons: native/<dir>/binding.gyp, built into native/<dir>/build/Release/ by
// scripts/build-native.mjs (which never fails an install). Each addon has a JavaScript twin, so a
// machine without the build (no compiler, no libsrtp2-dev, ...) runs the JavaScript path; so does
// OPENUM_NATIVE=0, which forces JavaScript for every addon. loadNative() never throws: it returns
// the addon or undefined, and nativeStatus() says why for the logs and benchmarks.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const loaded = new Map<string, { addon: unknown; status: string }>();

/** The repository root: the nearest directory above this file that holds native/. */
function root(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    if (existsSync(join(dir, 'native')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return undefined;
}

/** native/<dir>/build/Release/<target>.node, loaded once per thread, or undefined. */
export function loadNative<T>(dir: string, target: string): T | undefined {
  const key = `${dir}/${target}`;
  let entry = loaded.get(key);
  if (!entry) {
    entry = attempt(dir, target);
    loaded.set(key, entry);
  }
  return entry.addon as T | undefined;
}

/** 'loaded', 'disabled (OPENUM_NATIVE=0)', 'not built' or the load error, once loadNative() ran. */
export function nativeStatus(dir: string, target: string): string {
  return loaded.get(`${dir}/${target}`)?.status ?? 'not tried';
}

function attempt(dir: string, target: string): { addon: unknown; status: string } {
  if (process.env.OPENUM_NATIVE === '0') return { addon: undefined, status: 'disabled (OPENUM_NATIVE=0)' };
  const base = root();
  const file = base && join(base, 'native', dir, 'build', 'Release', `${target}.node`);
  if (!file || !existsSync(file)) return { addon: undefined, status: 'not built' };
  try {
    return { addon: require(file) as unknown, status: 'loaded' };
  } catch (err) {
    // e.g. the runtime library went away (libsrtp2-1 removed): fall back, say why.
    return { addon: undefined, status: `load failed: ${(err as Error).message}` };
  }
}
