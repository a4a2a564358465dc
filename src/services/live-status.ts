// The node's calls in progress and last refusals, gathered on demand from its processes (the
// workers and the Call Router processes over IPC, the UM service in this process) for
// GET /api/calls, GET /api/refusals and `openum calls|refusals` (through the control socket).
import type { RefusalEntry } from './routing/refusal-log.js';
import type { LiveCall } from './worker/live-call.js';

export interface CallTotals {
  /**
   * worker: calls the workers carry; umService: calls the UM service redirected to a worker in
   * the last seconds that the worker does not count yet (in set-up). The Call Router keeps no
   * state per call (it redirects statelessly), so it has none.
   */
  byRole: { worker: number; umService: number };
  byGateway: Record<string, number>;
  byDialPlan: Record<string, number>;
  byType: Record<string, number>;
}

export interface CallsReport {
  calls: LiveCall[];
  totals: CallTotals;
}

/** What the admin API and the control socket read; SipRoles implements it. */
export interface LiveStatus {
  calls(): Promise<CallsReport>;
  /** The newest `limit` refusals of all the node's processes, newest first. */
  refusals(limit: number): Promise<RefusalEntry[]>;
}

function count(calls: LiveCall[], key: (c: LiveCall) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) {
    const k = key(c);
    if (k !== null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function callsReport(calls: LiveCall[], settingUp: number): CallsReport {
  const sorted = [...calls].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  return {
    calls: sorted,
    totals: {
      byRole: { worker: calls.length, umService: settingUp },
      byGateway: count(calls, (c) => c.gateway),
      byDialPlan: count(calls, (c) => c.dialPlan),
      byType: count(calls, (c) => c.type),
    },
  };
}
