// Messages between the main process and its UM worker processes (child_process IPC).
export type ToWorker =
  | { type: 'drain' }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; listening: { tcp: boolean; tls: boolean } }
  | { type: 'listening'; listening: { tcp: boolean; tls: boolean } }
  | { type: 'calls'; count: number }
  /** A voice message was stored: deliver it and update the user's MWI. */
  | { type: 'voicemail'; id: number; userId: number };

export interface WorkerEnv {
  index: number;
  dataDir: string;
  databaseUrl?: string;
  addresses: string[];
  ports: { tcp: number; tls: number };
}

export const WORKER_ENV = 'OPENUM_WORKER';
