// This node's row in the store's node list (org/nodes.ts), written every HEARTBEAT_INTERVAL_MS
// by the main process from what its roles report: calls, capacity, which transports its UM service
// takes. A node that stops marks its row stopped; one that dies or hangs stops writing, and the
// Call Routers of every node stop sending it calls once the row is NODE_STALE_MS old.
import type { Logger } from 'pino';
import { HEARTBEAT_INTERVAL_MS, markNodeStopped, writeHeartbeat, type NodeBeat } from '../org/nodes.js';
import type { OpenNode } from './node.js';

export type BeatSource = () => Promise<Omit<NodeBeat, 'name' | 'pid' | 'startedAt' | 'version'>>;

export class NodeHeartbeat {
  readonly #node: OpenNode;
  readonly #name: string;
  readonly #log: Logger;
  readonly #source: BeatSource;
  readonly #version: string;
  readonly #startedAt = new Date().toISOString();
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  #beating: Promise<void> = Promise.resolve();

  constructor(node: OpenNode, name: string, version: string, source: BeatSource, log: Logger) {
    this.#node = node;
    this.#name = name;
    this.#version = version;
    this.#source = source;
    this.#log = log.child({ component: 'heartbeat' });
  }

  /** Writes the first heartbeat, then one every interval. */
  async start(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => { this.#beating = this.beat(); }, HEARTBEAT_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One heartbeat now; a failure is logged once until the store answers again. */
  async beat(): Promise<void> {
    try {
      const b = await this.#source();
      await writeHeartbeat(this.#node.store.db, { ...b, name: this.#name, pid: process.pid, startedAt: this.#startedAt, version: this.#version }, Date.now());
      if (this.#failing) this.#log.info('heartbeat written again');
      this.#failing = false;
    } catch (err) {
      if (!this.#failing) this.#log.warn({ err }, 'heartbeat not written: other nodes will stop sending calls here until it is');
      this.#failing = true;
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beating;
    try {
      await markNodeStopped(this.#node.store.db, this.#name, Date.now());
    } catch (err) {
      this.#log.warn({ err }, 'could not mark this node stopped');
    }
  }
}
