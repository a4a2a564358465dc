// The metrics one process counts (prom-client), the same definitions in the main process, each
// Call Router process and each UM worker. The main process pulls the others' on every scrape of
// /metrics (IPC 'metrics', answered with getMetricsAsJSON(), 1 s timeout as for /api/calls) and
// sums them with AggregatorRegistry.aggregate: counters keep counting across processes, nothing
// is pushed per call or per packet. Label values come from small fixed sets (roles, results,
// status codes, reason classes), never from peers' text, so the series count stays bounded.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { RtpSessionStats } from '../../media/rtp/rtp-session.js';
import { tlsFailureReason } from '../../sip/transport/tls-failure.js';

export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
export type CallRole = 'call-router' | 'um-service' | 'worker';

export const registry = new Registry();

const callsTotal = new Counter({
  name: 'openum_calls_total', help: 'INVITEs handled, by role and result (redirected, answered, refused).',
  labelNames: ['role', 'result'], registers: [registry],
});
const refusalsTotal = new Counter({
  name: 'openum_sip_refusals_total', help: 'Calls refused, by role, SIP status and reason class.',
  labelNames: ['role', 'status', 'reason'], registers: [registry],
});
const rtpLoss = new Histogram({
  name: 'openum_rtp_loss_ratio', help: 'Fraction of the expected RTP packets lost, per ended call (RFC 3550 A.3).',
  buckets: [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1], registers: [registry],
});
const rtpJitter = new Histogram({
  name: 'openum_rtp_jitter_seconds', help: 'Interarrival jitter at the end of each call (RFC 3550 A.8).',
  buckets: [0.001, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5], registers: [registry],
});
const rtpLostPackets = new Counter({ name: 'openum_rtp_lost_packets_total', help: 'RTP packets lost (expected minus received), over ended calls.', registers: [registry] });
const rtpPackets = new Counter({ name: 'openum_rtp_received_packets_total', help: 'RTP packets received, over ended calls.', registers: [registry] });
const mwiFailures = new Counter({
  name: 'openum_mwi_failures_total', help: 'MWI NOTIFYs that failed (not sent) or that a gateway did not accept.',
  labelNames: ['kind'], registers: [registry],
});
const restarts = new Counter({
  name: 'openum_process_restarts_total', help: 'UM worker and Call Router processes restarted after they exited.',
  labelNames: ['kind'], registers: [registry],
});
const tlsFailures = new Counter({
  name: 'openum_tls_handshake_failures_total', help: 'Inbound SIP TLS handshakes that failed, by reason class.',
  labelNames: ['role', 'reason'], registers: [registry],
  collect() {
    this.reset();
    for (const [role, read] of transports) {
      for (const [reason, n] of Object.entries(read())) if (n > 0) this.inc({ role, reason }, n);
    }
    for (const [key, n] of counted) {
      const [role = '', reason = ''] = key.split('|');
      this.inc({ role, reason }, n);
    }
  },
});

/** TLS failure counts by reason class of this process's SIP transports, read at scrape. */
const transports = new Map<string, () => Record<string, number>>();
export function watchTlsFailures(role: string, read: () => Record<string, number>): void {
  transports.set(role, read);
}

/** Failures counted here rather than by a SIP transport (the admin API's HTTPS server). */
const counted = new Map<string, number>();
export function countTlsFailure(role: string, err: Error & { code?: string }): void {
  const key = `${role}|${tlsFailureReason(err)}`;
  counted.set(key, (counted.get(key) ?? 0) + 1);
}
void tlsFailures;

// Event-loop delay, per process: what a slow handler or a blocked loop costs every call there.
const RESOLUTION_MS = 20;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
/** The histogram holds whole timer intervals; the delay is what goes past the resolution. */
const delaySeconds = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS) / 1000;
loop.enable();
let processName = 'main';
new Gauge({
  name: 'openum_event_loop_delay_seconds', help: 'Event-loop delay of each process over the last scrape interval (p50, p99, max).',
  labelNames: ['process', 'quantile'], registers: [registry],
  collect() {
    this.reset();
    this.set({ process: processName, quantile: '0.5' }, delaySeconds(loop.percentile(50)));
    this.set({ process: processName, quantile: '0.99' }, delaySeconds(loop.percentile(99)));
    this.set({ process: processName, quantile: 'max' }, delaySeconds(loop.max));
    loop.reset();
  },
});

// Memory of each process at scrape time (process.memoryUsage()): RSS beside V8's heap (total and
// used), the memory V8 tracks outside it (external, of which array buffers: datagram and socket
// buffers). A heap that stays flat while RSS climbs points at native memory, not at objects kept.
const MEMORY_KINDS = {
  rss: 'rss', heap_total: 'heapTotal', heap_used: 'heapUsed', external: 'external', array_buffers: 'arrayBuffers',
} as const satisfies Record<string, keyof NodeJS.MemoryUsage>;
new Gauge({
  name: 'openum_process_memory_bytes', help: 'Memory of each process at scrape time: rss, heap_total, heap_used, external, array_buffers (process.memoryUsage()).',
  labelNames: ['process', 'kind'], registers: [registry],
  collect() {
    this.reset();
    const m = process.memoryUsage();
    for (const [kind, field] of Object.entries(MEMORY_KINDS)) this.set({ process: processName, kind }, m[field]);
  },
});

// Each worker's last statfs reading of the data directory's disk (worker/disk-admission.ts);
// labelled by process, so processes that never measure it add no series.
const diskFree = new Gauge({
  name: 'openum_data_disk_free_bytes', help: 'Free bytes on the disk holding the data directory, as each UM worker last read it (every 2 s).',
  labelNames: ['process'], registers: [registry],
});
export function setDiskFree(bytes: number): void {
  diskFree.set({ process: processName }, bytes);
}

export function setProcessName(name: string): void {
  processName = name;
}

export function countCall(role: CallRole, result: 'redirected' | 'answered' | 'refused'): void {
  callsTotal.inc({ role, result });
}

/**
 * A refusal's reason class from its status (RFC 3261 §21): the reason phrase is free text that
 * names the caller's problem, so it stays in the log and the refusal ring, not in a label.
 */
export function reasonClass(status: number): string {
  const classes: Record<number, string> = {
    400: 'bad_request', 403: 'forbidden', 404: 'not_found', 405: 'method', 408: 'timeout', 410: 'gone',
    413: 'too_large', 415: 'media_type', 416: 'uri_scheme', 420: 'extension', 480: 'unavailable', 481: 'no_dialog',
    482: 'loop', 483: 'too_many_hops', 484: 'address_incomplete', 486: 'busy', 487: 'cancelled', 488: 'not_acceptable',
    500: 'server_error', 501: 'not_implemented', 503: 'overloaded', 513: 'too_large',
  };
  return classes[status] ?? (status >= 600 ? 'global' : status >= 500 ? 'server_other' : 'client_other');
}

export function countRefusal(role: CallRole, status: number): void {
  const s = Number.isInteger(status) && status >= 300 && status <= 699 ? status : 0;
  refusalsTotal.inc({ role, status: String(s), reason: reasonClass(s) });
  callsTotal.inc({ role, result: 'refused' });
}

/** An ended call's reception figures (media/rtp stats()). */
export function observeRtp(s: Pick<RtpSessionStats, 'expected' | 'lost' | 'jitterMs' | 'packetsIn'>): void {
  rtpPackets.inc(Math.max(0, s.packetsIn));
  if (s.expected <= 0) return;
  const lost = Math.max(0, s.lost);
  rtpLostPackets.inc(lost);
  rtpLoss.observe(Math.min(1, lost / s.expected));
  rtpJitter.observe(Math.max(0, s.jitterMs) / 1000);
}

export function countMwiFailure(kind: 'send' | 'rejected'): void {
  mwiFailures.inc({ kind });
}

export function countRestart(kind: 'worker' | 'call-router'): void {
  restarts.inc({ kind });
}

/** This process's metrics, for the main process to aggregate. */
export function metricsJson(): Promise<MetricsJson> {
  return registry.getMetricsAsJSON() as Promise<MetricsJson>;
}
