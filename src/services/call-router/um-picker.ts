// Which UM service a Call Router sends a call to. Every node sharing the store writes a heartbeat
// row (org/nodes.ts); this reads them every REFRESH_MS and picks, among live nodes that run a UM
// service taking this kind of call (TCP/UDP or TLS) and have room, the least loaded: calls over
// MaxCallsAllowed, counting the calls sent since the last read so a burst spreads. Ties go round
// the nodes in turn. The UM service beside this Call Router is judged by the settings this
// process holds (they follow store changes at once), and by its row only for liveness.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { listNodes, NODE_STALE_MS, runsUm, umTakesCalls, type NodeView } from '../../org/nodes.js';
import { UM_SERVICE_PORTS } from '../../org/ports.js';
import type { Database } from '../../store/schema.js';
import type { NextHop } from '../routing/redirect-contact.js';

export const REFRESH_MS = 2_000;

/** What this process knows of its own node's UM service. */
export interface LocalUm {
  /** Whether the UM service beside us takes TCP/UDP calls and TLS calls (settings of this process). */
  takes(secured: boolean): boolean;
}

interface Candidate {
  name: string;
  host: string | undefined; // undefined: this node (the host is the address the call arrived on)
  tcp: boolean;
  tls: boolean;
  calls: number;
  maxCalls: number;
}

export class UmPicker {
  readonly #db: Kysely<Database>;
  readonly #self: string;
  readonly #selfRunsUm: boolean;
  readonly #local: LocalUm;
  readonly #log: Logger;
  #nodes: NodeView[] | undefined;
  /** Calls sent to each node since the last read of the rows. */
  readonly #sent = new Map<string, number>();
  #turn = 0;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(db: Kysely<Database>, self: string, selfRunsUm: boolean, local: LocalUm, log: Logger) {
    this.#db = db;
    this.#self = self;
    this.#selfRunsUm = selfRunsUm;
    this.#local = local;
    this.#log = log;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Reads started, and the newest applied: a slow read finishing after a newer one is dropped. */
  #reads = 0;
  #applied = 0;

  async refresh(): Promise<void> {
    const read = ++this.#reads;
    try {
      const nodes = await listNodes(this.#db, Date.now());
      // The periodic read and one for a store change (a restart asked) can overlap.
      if (read < this.#applied) return;
      this.#applied = read;
      this.#nodes = nodes;
      this.#sent.clear();
      if (this.#failing) this.#log.info('node list read again');
      this.#failing = false;
    } catch (err) {
      // Keep the last list: its rows age, and the nodes drop out as their heartbeats go stale.
      if (!this.#failing) this.#log.warn({ err }, 'node list not read: routing on the last one');
      this.#failing = true;
      if (this.#nodes) this.#nodes = this.#nodes.map((n) => ({ ...n, heartbeatAgeMs: n.heartbeatAgeMs + REFRESH_MS, health: n.heartbeatAgeMs + REFRESH_MS > NODE_STALE_MS ? 'stale' : n.health }));
    }
  }

  /** The live UM services now, this node's included (by name). */
  candidates(): Candidate[] {
    const out: Candidate[] = [];
    const rows = this.#nodes ?? [];
    const selfRow = rows.find((n) => n.name === this.#self);
    // This node is judged by its own settings, and its row only for a stop: a main process slow to
    // write its heartbeat still answers the calls sent beside it (one that hung would not, and the
    // caller's retry finds no better node here anyway), and before its first heartbeat it has none.
    // A UM service draining for a restart (openum service restart um) gets no new call, here or elsewhere.
    if (this.#selfRunsUm && selfRow?.state !== 'stopped' && (!selfRow || umTakesCalls(selfRow))) {
      out.push({ name: this.#self, host: undefined, tcp: this.#local.takes(false), tls: this.#local.takes(true), calls: selfRow?.calls ?? 0, maxCalls: selfRow?.maxCalls ?? Number.MAX_SAFE_INTEGER });
    }
    for (const n of rows) {
      if (n.name === this.#self || n.health !== 'live' || n.state !== 'running' || !runsUm(n.roles) || !umTakesCalls(n)) continue;
      out.push({ name: n.name, host: n.sipHost, tcp: n.umTcp, tls: n.umTls, calls: n.calls, maxCalls: n.maxCalls });
    }
    return out;
  }

  pick(secured: boolean, arrivedOn: 'udp' | 'tcp' | 'tls', local: string): NextHop | undefined {
    const fit = this.candidates().filter((c) => (secured ? c.tls : c.tcp));
    const load = (c: Candidate) => (c.calls + (this.#sent.get(c.name) ?? 0)) / Math.max(1, c.maxCalls);
    // Only a node's own report says it is full (its UM service answers 503 beyond it anyway): the
    // calls sent since the last read choose among nodes but never refuse, for a redirected call
    // may never arrive, or may last a moment.
    const open = fit.filter((c) => c.calls < c.maxCalls);
    if (open.length === 0) return undefined;
    const least = Math.min(...open.map(load));
    const best = open.filter((c) => load(c) === least);
    const chosen = best[this.#turn++ % best.length] as Candidate;
    this.#sent.set(chosen.name, (this.#sent.get(chosen.name) ?? 0) + 1);
    const host = chosen.host ?? (local === '0.0.0.0' || local === '::' ? '127.0.0.1' : local);
    return secured
      ? { host, port: UM_SERVICE_PORTS.tls, transport: 'tls' }
      : { host, port: UM_SERVICE_PORTS.tcp, transport: arrivedOn === 'udp' ? 'udp' : 'tcp' };
  }
}
