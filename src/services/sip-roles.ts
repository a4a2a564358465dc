// The SIP roles of one node, wired together: the Call Router and the UM service in this process,
// the UM workers in their own processes. `reload` follows every store change: routing data, trust
// list, certificates and startup modes (listeners open and close; calls in progress go on).
import type { Logger } from 'pino';
import { UM_SERVICE_PORTS, WORKER_PORTS } from '../org/ports.js';
import { getServer } from '../org/server-settings.js';
import { usesTls } from '../org/startup-mode.js';
import { CallRouter } from './call-router/call-router.js';
import { RoutingCache } from './call-router/routing-cache.js';
import { requireServer, type OpenNode } from './node.js';
import { listenSpecs } from './sip/listeners.js';
import { PeerVerifier } from './sip/peer-verifier.js';
import { SipEndpoint } from './sip/sip-endpoint.js';
import { StoreTlsProvider } from './sip/tls-provider.js';
import { Supervisor } from './supervisor.js';
import { UmService } from './um-service/um-service.js';

export interface SipRolesOptions {
  /** Addresses the SIP listeners bind (default 0.0.0.0). */
  addresses: string[];
  workers?: number;
}

export class SipRoles {
  readonly routing: RoutingCache;
  readonly verifier: PeerVerifier;
  readonly callRouter: CallRouter;
  readonly umService: UmService;
  readonly supervisor: Supervisor;
  readonly #node: OpenNode;
  readonly #opts: SipRolesOptions;
  readonly #routerTls: StoreTlsProvider;
  readonly #umTls: StoreTlsProvider;
  readonly #routerSip: SipEndpoint;
  readonly #umSip: SipEndpoint;
  #umMode: 'TCP' | 'TLS' | 'Dual' = 'TCP';
  #maxCalls = 100;

  constructor(node: OpenNode, log: Logger, options: SipRolesOptions) {
    this.#node = node;
    this.#opts = options;
    const server = requireServer(node);
    this.routing = new RoutingCache(node.store.db);
    this.verifier = new PeerVerifier(node.store.db, server);
    this.#routerTls = new StoreTlsProvider(node, 'UMCallRouter', log);
    this.#umTls = new StoreTlsProvider(node, 'UM', log);
    this.#routerSip = new SipEndpoint('call-router', { tls: this.#routerTls, log });
    this.#umSip = new SipEndpoint('um-service', { tls: this.#umTls, log });
    const count = options.workers ?? WORKER_PORTS.length;
    this.supervisor = new Supervisor(WORKER_PORTS.slice(0, count).map((ports, index) => ({
      index, ports, addresses: options.addresses,
      dataDir: node.dataDir, databaseUrl: process.env.OPENUM_DATABASE_URL || undefined,
    })), log, (i) => this.umService.workerReported(i));

    this.callRouter = new CallRouter({
      view: () => this.routing,
      verifier: this.verifier,
      log: log.child({ role: 'call-router' }),
      umService: (secured, arrivedOn, local) => {
        // One node: the UM service beside us, if its startup mode takes this kind of call.
        const takesTls = usesTls(this.#umMode) && !!this.#umTls.secureContext();
        const takesPlain = this.#umMode !== 'TLS';
        if (secured ? !takesTls : !takesPlain) return undefined;
        const host = local === '0.0.0.0' || local === '::' ? '127.0.0.1' : local;
        return secured
          ? { host, port: UM_SERVICE_PORTS.tls, transport: 'tls' }
          : { host, port: UM_SERVICE_PORTS.tcp, transport: arrivedOn === 'udp' ? 'udp' : 'tcp' };
      },
    });
    this.umService = new UmService({
      workers: () => this.supervisor.slots(),
      maxCalls: () => this.#maxCalls,
      view: () => this.routing,
      verifier: this.verifier,
      log: log.child({ role: 'um-service' }),
    });
    this.#routerSip.setUser(this.callRouter);
    this.#umSip.setUser(this.umService);
  }

  async start(): Promise<void> {
    await this.reload();
    await this.supervisor.start();
  }

  /** Re-reads everything the roles depend on; safe to call on every store change. */
  async reload(): Promise<void> {
    const settings = await getServer(this.#node.store.db, requireServer(this.#node));
    await Promise.all([this.routing.reload(), this.verifier.reload(), this.#routerTls.reload(), this.#umTls.reload()]);
    this.#umMode = settings.umService.startupMode;
    this.#maxCalls = settings.umService.maxCallsAllowed;
    const cr = settings.callRouter;
    await this.#routerSip.apply(listenSpecs(cr.startupMode, { tcp: cr.sipTcpPort, tls: cr.sipTlsPort }, this.#opts.addresses, { udp: cr.sipUdp }));
    await this.#umSip.apply(listenSpecs(settings.umService.startupMode, UM_SERVICE_PORTS, this.#opts.addresses, { udp: true }));
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
    await Promise.all([this.#routerSip.close(), this.#umSip.close()]);
  }
}
