// What a Call Router process is told by the process that starts it.
export interface RouterEnv {
  index: number;
  /** How many Call Router processes share the listeners (per-source limits are split among them). */
  count?: number;
  dataDir: string;
  databaseUrl?: string;
  addresses: string[];
}

export const ROUTER_ENV = 'OPENUM_ROUTER';
