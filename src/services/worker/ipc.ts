// Messages between the main process and its UM worker processes (child_process IPC).
import type { RefusalEntry } from '../routing/refusal-log.js';
import type { MetricsJson } from '../ops/process-metrics.js';
import type { LiveCall } from './live-call.js';

export type ToWorker =
  | { type: 'drain' }
  | { type: 'stop' }
  /** Place Play on Phone call `id` (a row of play_on_phone_calls), or end it. */
  | { type: 'play-on-phone'; id: number }
  | { type: 'play-on-phone-cancel'; id: number }
  /** Asks for the calls in progress and the last refusals (GET /api/calls, /api/refusals); answered by 'status' with the same id. */
  | { type: 'status'; id: number }
  /** Asks for the process's metrics (GET /metrics); answered by 'metrics' with the same id. */
  | { type: 'metrics'; id: number };

export type FromWorker =
  | { type: 'ready'; listening: { tcp: boolean; tls: boolean } }
  | { type: 'listening'; listening: { tcp: boolean; tls: boolean } }
  | { type: 'calls'; count: number }
  /**
   * A voice message is stored: the worker called completeMessage() for row `id` (state 'stored')
   * of user `userId`. The main process delivers it by SMTP and updates the user's MWI.
   */
  | { type: 'voicemail'; id: number; userId: number }
  /**
   * A message waits on local disk because the store was unreachable (voicemail/pending-messages.ts):
   * the main process stores it (voicemail/store-retry.ts) as soon as the store answers.
   */
  | { type: 'voicemail-pending' }
  /** The answer to ToWorker 'status': pulled on demand, never pushed per call or per packet. */
  | { type: 'status'; id: number; calls: LiveCall[]; refusals: RefusalEntry[] }
  | { type: 'metrics'; id: number; metrics: MetricsJson };

export interface WorkerEnv {
  index: number;
  dataDir: string;
  databaseUrl?: string;
  addresses: string[];
  ports: { tcp: number; tls: number };
}

export const WORKER_ENV = 'OPENUM_WORKER';
