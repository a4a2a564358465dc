// One SIP role's network presence: a transport layer, a transaction layer on it, and the set of
// listeners its configuration asks for. `apply` opens new listeners and closes dropped ones;
// connections already open on a dropped listener stay until they end, so no call is lost when
// the startup mode changes.
import type { Logger } from 'pino';
import { TransactionLayer, type TransactionUser } from '../../sip/transaction/transaction-layer.js';
import { TransportLayer } from '../../sip/transport/transport-layer.js';
import type { Endpoint, TlsProvider } from '../../sip/transport/types.js';
import { watchTlsFailures } from '../ops/process-metrics.js';
import { specKey, type ListenSpec } from './listeners.js';

export interface ApplyResult {
  opened: Endpoint[];
  closed: Endpoint[];
  failed: { spec: ListenSpec; error: string }[];
}

export class SipEndpoint {
  readonly transport: TransportLayer;
  readonly layer: TransactionLayer;
  readonly #log: Logger;
  readonly #open = new Map<string, Endpoint>();
  readonly #role: string;

  /** `shared`: listeners shared by cluster workers; `stateless`: a stateless UAS (RFC 3261 §8.2.7). */
  constructor(role: string, options: { tls?: TlsProvider; log: Logger; shared?: boolean; stateless?: boolean; maxConnectionsPerSource?: number }) {
    this.#role = role;
    this.#log = options.log.child({ role });
    this.transport = new TransportLayer({ tls: options.tls, log: this.#log, shared: options.shared, maxConnectionsPerSource: options.maxConnectionsPerSource });
    this.layer = new TransactionLayer(this.transport, {
      onError: (err, what) => this.#log.warn({ err, what }, 'SIP processing error'),
      stateless: options.stateless,
    });
    watchTlsFailures(role, () => this.transport.stats().tlsHandshakeFailures);
  }

  setUser(tu: TransactionUser): void {
    this.layer.setUser(tu);
  }

  listening(): Endpoint[] {
    return [...this.#open.values()];
  }

  /**
   * Opens and closes listeners to match `wanted`; a listener that fails is logged and reported.
   * Calls run one after the other (a reload on a store change may meet a role restart's).
   */
  apply(wanted: ListenSpec[]): Promise<ApplyResult> {
    const run = this.#applying.then(() => this.#apply(wanted));
    this.#applying = run.catch(() => undefined);
    return run;
  }

  #applying: Promise<unknown> = Promise.resolve();

  async #apply(wanted: ListenSpec[]): Promise<ApplyResult> {
    const wantedKeys = new Set(wanted.map(specKey));
    const closed: Endpoint[] = [];
    for (const [key, ep] of this.#open) {
      if (wantedKeys.has(key)) continue;
      await this.transport.unlisten(ep);
      this.#open.delete(key);
      closed.push(ep);
      this.#log.info({ listener: ep }, 'SIP listener closed');
    }
    const opened: Endpoint[] = [];
    const failed: { spec: ListenSpec; error: string }[] = [];
    for (const spec of wanted) {
      const key = specKey(spec);
      if (this.#open.has(key)) continue;
      try {
        const ep = await this.transport.listen(spec);
        this.#open.set(key, ep);
        opened.push(ep); // the transport layer logs it ('listening'): one line per listener
      } catch (e) {
        failed.push({ spec, error: (e as Error).message });
        this.#log.error({ listener: spec, err: e }, `${this.#role}: cannot open SIP listener`);
      }
    }
    return { opened, closed, failed };
  }

  async close(): Promise<void> {
    this.layer.close();
    await this.transport.close();
    this.#open.clear();
  }
}
