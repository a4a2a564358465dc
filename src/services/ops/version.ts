// The version of this OpenUM, from its package.json (dist/src/services/ops/ → the package root).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function openUmVersion(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
