// What only the running server knows for `openum status` (asked through the control socket):
// its process, the listeners its roles really have open, its workers and Call Router processes,
// and the calls in progress. The stored part (settings, certificates, SMTP queue) the command
// reads from the store itself, so it can show it when the server is not running too.
import type { SipRoles } from '../sip-roles.js';
import { openUmVersion } from './version.js';

export interface LiveNodeStatus {
  pid: number;
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  admin: { address: string; port: number } | null;
  /** null: started with --no-sip. */
  sip: {
    addresses: string[];
    callRouterProcesses: number;
    umServiceListeners: { protocol: string; address: string; port: number }[];
    workers: { worker: number; ports: { tcp: number; tls: number }; alive: boolean; draining: boolean; calls: number; listening: { tcp: boolean; tls: boolean }; restarts: number }[];
    calls: { inProgress: number; settingUp: number };
  } | null;
}

export function liveNodeStatus(roles: SipRoles | undefined, startedAt: Date, admin: { address: string; port: number } | null): LiveNodeStatus {
  const restarts = roles?.supervisor.restarts() ?? [];
  return {
    pid: process.pid,
    version: openUmVersion(),
    startedAt: startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    admin,
    sip: roles ? {
      addresses: roles.addresses,
      callRouterProcesses: roles.routers.running,
      umServiceListeners: roles.umListeners().map((l) => ({ protocol: l.protocol, address: l.address, port: l.port })),
      workers: roles.supervisor.slots().map((w, i) => ({
        worker: w.index + 1, ports: w.ports, alive: w.alive, draining: w.draining, calls: w.calls, listening: w.listening, restarts: restarts[i] ?? 0,
      })),
      calls: { inProgress: roles.supervisor.slots().reduce((n, w) => n + w.calls, 0), settingUp: roles.umService.settingUp() },
    } : null,
  };
}
