// What a Call Router process is told by the process that starts it.
export interface RouterEnv {
  index: number;
  dataDir: string;
  databaseUrl?: string;
  addresses: string[];
}

export const ROUTER_ENV = 'OPENUM_ROUTER';
