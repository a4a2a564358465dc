// UMStartupMode (seeds: "Configure the Startup Mode"): which SIP listeners a UM service or Call
// Router opens. TCP (default) = unsecured only, TLS = mutual TLS only, Dual = both.
import { OpenUmError } from '../errors.js';

export const STARTUP_MODES = ['TCP', 'TLS', 'Dual'] as const;
export type StartupMode = (typeof STARTUP_MODES)[number];

export function parseStartupMode(text: string): StartupMode {
  const found = STARTUP_MODES.find((m) => m.toLowerCase() === text.trim().toLowerCase());
  if (!found) {
    throw new OpenUmError('BAD_SETTING', `startup mode "${text}" is not one of TCP, TLS, Dual`);
  }
  return found;
}

/** TLS and Dual open a TLS listener, so they need a certificate. */
export function usesTls(mode: StartupMode): boolean {
  return mode !== 'TCP';
}
