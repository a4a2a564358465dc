// What a Call Router process is told by the process that starts it.
export interface RouterEnv {
  index: number;
  /** How many Call Router processes share the listeners (per-source limits are split among them). */
  count?: number;
  dataDir: string;
  databaseUrl?: string;
  addresses: string[];
  /** Whether this node runs a UM service too (openum start --roles all), not only the Call Router. */
  umHere?: boolean;
}

export const ROUTER_ENV = 'OPENUM_ROUTER';
