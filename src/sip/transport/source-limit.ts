// Per-source cap on inbound TCP/TLS connections (limits.ts MAX_CONNECTIONS_PER_SOURCE): one IP
// address cannot take the whole layer's connection budget. Refusals are counted every time and
// logged once per source per REFUSAL_LOG_INTERVAL_MS, so a flood cannot flood the log too.
import type { Socket } from 'node:net';
import { normalizeAddress } from './addresses.js';
import { REFUSAL_LOG_INTERVAL_MS } from './limits.js';
import type { Counters } from './stats.js';
import type { TransportLog } from './types.js';

/** Sources remembered for log throttling before old entries are pruned. */
const MAX_LOGGED_SOURCES = 1024;

export class SourceLimit {
  /** Inbound sockets open (handshakes included) per source IP; an entry goes when it drops to 0. */
  private readonly open = new Map<string, number>();
  private readonly logged = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly counters: Counters,
    private readonly log: TransportLog,
  ) {}

  /** Counts the socket against its source until it closes; false (and counted) when the source is at its cap. */
  admit(socket: Socket): boolean {
    const source = normalizeAddress(socket.remoteAddress ?? '');
    const n = this.open.get(source) ?? 0;
    if (n >= this.max) {
      this.counters.connectionsRefused++;
      this.counters.refusedPerSource++;
      this.logRefusal(source);
      return false;
    }
    this.open.set(source, n + 1);
    socket.once('close', () => {
      const left = (this.open.get(source) ?? 1) - 1;
      if (left > 0) this.open.set(source, left);
      else this.open.delete(source);
    });
    return true;
  }

  private logRefusal(source: string): void {
    const now = Date.now();
    const last = this.logged.get(source);
    if (last !== undefined && now - last < REFUSAL_LOG_INTERVAL_MS) return;
    if (this.logged.size >= MAX_LOGGED_SOURCES) {
      for (const [s, t] of this.logged) if (now - t >= REFUSAL_LOG_INTERVAL_MS) this.logged.delete(s);
    }
    this.logged.set(source, now);
    this.log.warn({ source, max: this.max, refusedPerSource: this.counters.refusedPerSource },
      'connection refused: too many open connections from this source (logged at most once a minute per source)');
  }
}
