// Messages between the main process and its UM worker processes (child_process IPC).
export type ToWorker =
  | { type: 'drain' }
  | { type: 'stop' }
  /** Place Play on Phone call `id` (a row of play_on_phone_calls), or end it. */
  | { type: 'play-on-phone'; id: number }
  | { type: 'play-on-phone-cancel'; id: number };

export type FromWorker =
  | { type: 'ready'; listening: { tcp: boolean; tls: boolean } }
  | { type: 'listening'; listening: { tcp: boolean; tls: boolean } }
  | { type: 'calls'; count: number }
  /**
   * A voice message is stored: the worker called completeMessage() for row `id` (state 'stored')
   * of user `userId`. The main process delivers it by SMTP and updates the user's MWI.
   */
  | { type: 'voicemail'; id: number; userId: number };

export interface WorkerEnv {
  index: number;
  dataDir: string;
  databaseUrl?: string;
  addresses: string[];
  ports: { tcp: number; tls: number };
}

export const WORKER_ENV = 'OPENUM_WORKER';
