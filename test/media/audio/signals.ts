// Test signals and helpers shared by the media tests: a seeded PRNG (so failures replay), a sine
// generator, and `soxi` through the real tool.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

export { rng } from '../../support/random.js';

/** A sine of `amplitude` (0-1 of full scale), `ms` long, at 8 kHz unless told. */
export function sine(hz: number, ms: number, amplitude = 0.5, sampleRate = 8000, phase0 = 0): Int16Array {
  const n = Math.round((ms * sampleRate) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * 32767 * Math.sin(phase0 + (2 * Math.PI * hz * i) / sampleRate));
  return out;
}

const run = promisify(execFile);

function installed(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const soxSkip: string | false = installed('soxi') ? false : 'not installed: sox (soxi)';

/** soxi's reading of a file: rate, channels, duration in seconds (from `soxi -r/-c/-D`). */
export async function soxi(path: string): Promise<{ rate: number; channels: number; seconds: number; bits: number }> {
  const q = async (flag: string): Promise<number> => Number((await run('soxi', [flag, path])).stdout.trim());
  return { rate: await q('-r'), channels: await q('-c'), seconds: await q('-D'), bits: await q('-b') };
}
