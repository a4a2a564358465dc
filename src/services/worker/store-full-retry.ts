// A message row the full store could not complete is tried again, so that freeing space is all an
// operator has to do: every RETRY_MS, at most RETRIES times (10 minutes), on an unref'd timer. If
// the worker stops first, the row is still 'recording' and the recovery completes it
// (voicemail/recovery.ts); a row is completed once whoever comes first (completeMessage only
// moves a 'recording' row).
import type { Logger } from 'pino';
import { isDiskFull } from '../../store/disk-full.js';

export const RETRY_MS = 5000;
export const RETRIES = 120;

/**
 * Runs `attempt`; when it fails because the disk is full, runs it again later (in the background)
 * and resolves at once. Any other error is thrown as it is.
 */
export async function completeWhenRoom(attempt: () => Promise<void>, log: Logger, what: Record<string, unknown>, timing = { retryMs: RETRY_MS, retries: RETRIES }): Promise<void> {
  try {
    await attempt();
  } catch (err) {
    if (!isDiskFull(err)) throw err;
    log.error({ err, ...what }, 'the store is full: the message stays on disk and is completed when space returns');
    void retry(attempt, log, what, timing);
  }
}

async function retry(attempt: () => Promise<void>, log: Logger, what: Record<string, unknown>, timing: { retryMs: number; retries: number }): Promise<void> {
  for (let i = 0; i < timing.retries; i++) {
    await new Promise((resolve) => setTimeout(resolve, timing.retryMs).unref());
    try {
      await attempt();
      log.info({ ...what, attempts: i + 2 }, 'space returned: the message is completed');
      return;
    } catch (err) {
      if (!isDiskFull(err)) return void log.error({ err, ...what }, 'cannot complete the message; the recovery will');
    }
  }
  log.error({ ...what, attempts: timing.retries + 1 }, 'the store stayed full: the message is completed by the recovery when the worker restarts');
}
