// The seeds' port table ("Servizi, porte e protocolli di messaggistica unificata"): the Call
// Router's SIP ports are configurable (Set-UMCallRouterSettings), the UM service's and worker
// processes' are not.
import { OpenUmError } from '../errors.js';

export const UM_SERVICE_PORTS = { tcp: 5062, tls: 5063 } as const;
/** Two worker processes: 5065 (TCP) / 5066 (TLS) and 5067 (TCP) / 5068 (TLS). */
export const WORKER_PORTS = [{ tcp: 5065, tls: 5066 }, { tcp: 5067, tls: 5068 }] as const;
export const DEFAULT_CALL_ROUTER_PORTS = { tcp: 5060, tls: 5061 } as const;
export const DEFAULT_ADMIN_PORT = 8443;

const FIXED = new Map<number, string>([
  [UM_SERVICE_PORTS.tcp, 'the UM service (TCP)'],
  [UM_SERVICE_PORTS.tls, 'the UM service (TLS)'],
  ...WORKER_PORTS.flatMap((w, i): [number, string][] => [
    [w.tcp, `UM worker ${i + 1} (TCP)`],
    [w.tls, `UM worker ${i + 1} (TLS)`],
  ]),
]);

export function parsePort(text: string | number, what: string): number {
  const n = typeof text === 'number' ? text : /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new OpenUmError('BAD_SETTING', `${what} must be a port number from 1 to 65535 (got "${text}")`);
  }
  return n;
}

/** Refuses a configurable port that collides with a fixed one. */
export function checkNotFixed(port: number, what: string): void {
  const owner = FIXED.get(port);
  if (owner) {
    throw new OpenUmError('BAD_SETTING', `${what} ${port} is used by ${owner}; choose another port`);
  }
}
