// Loads an optional native addon, native/<name>/build/Release/<name>.node, built by
// scripts/build-native.mjs. Optional means: undefined when it was not built, does not load (another
// Node ABI, another OS) or OPENUM_NATIVE=0 asks for the JS path; the caller then uses its JS path.
// Each addon gets a small typed module next to this one (udp.ts) that checks the functions it
// needs are there: copy that pattern for another addon.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeLoad {
  /** The module's exports, or undefined (then `why` says why). */
  addon: Record<string, unknown> | undefined;
  why: string;
}

const loaded = new Map<string, NativeLoad>();

/** native/<name>/build/Release/<target>.node above this module (from src/ or dist/src/), if built. */
function addonPath(name: string, target: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'native', name, 'build', 'Release', `${target}.node`);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** Loads (once per thread) the addon native/<name> (its module file <target>.node); never throws. */
export function loadNative(name: string, target = name): NativeLoad {
  const key = `${name}/${target}`;
  let result = loaded.get(key);
  if (result) return result;
  if (process.env.OPENUM_NATIVE === '0') {
    result = { addon: undefined, why: 'OPENUM_NATIVE=0' };
  } else {
    const path = addonPath(name, target);
    if (!path) {
      result = { addon: undefined, why: `native/${name} is not built (node scripts/build-native.mjs)` };
    } else {
      try {
        result = { addon: createRequire(import.meta.url)(path) as Record<string, unknown>, why: 'loaded' };
      } catch (err) {
        result = { addon: undefined, why: `native/${name} did not load: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
  }
  loaded.set(key, result);
  return result;
}

/** Why the addon is or is not in use, once loadNative() ran: 'loaded', 'OPENUM_NATIVE=0', not built, did not load. */
export function nativeStatus(name: string, target = name): string {
  return loaded.get(`${name}/${target}`)?.why ?? 'not tried';
}
