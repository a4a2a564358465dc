// The SIP roles of one node, wired together: the Call Router in its own processes (one per core,
// sharing the sockets), the UM service in this process, the UM workers in their own processes.
// `--roles callrouter` runs only the first (the seeds' Client Access role), `--roles um` only the
// other two (the Mailbox role). `reload` follows every store change: routing data, trust list,
// certificates and startup modes (listeners open and close; calls in progress go on).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { UM_SERVICE_PORTS, WORKER_PORTS } from '../org/ports.js';
import { runsCallRouter, runsUm, type NodeRoles } from '../org/nodes.js';
import { getServer } from '../org/server-settings.js';
import { usesTls } from '../org/startup-mode.js';
import { tlsIdentity } from '../pki/tls-identity.js';
import { requireServer, type OpenNode } from './node.js';
import type { RouteDeps } from './routing/route-request.js';
import { mergeRefusals, RefusalLog, type RefusalEntry } from './routing/refusal-log.js';
import { RoutingCache } from './routing/routing-cache.js';
import { callsReport, type CallsReport, type LiveStatus } from './live-status.js';
import { loadRoutingKey } from './routing/routing-key.js';
import { RoutingTokens } from './routing/routing-token.js';
import { listenSpecs } from './sip/listeners.js';
import { PeerVerifier } from './sip/peer-verifier.js';
import { SipEndpoint } from './sip/sip-endpoint.js';
import { StoreTlsProvider } from './sip/tls-provider.js';
import { PlayOnPhoneDispatcher } from './play-on-phone-dispatcher.js';
import { RouterPool } from './router-pool.js';
import { Supervisor } from './supervisor.js';
import { waitUntil } from './wait-until.js';
import { UmService } from './um-service/um-service.js';
import type { VoicemailEvents } from './voicemail/voicemail-service.js';

export interface SipRolesOptions {
  /** Addresses the SIP listeners bind (default 0.0.0.0). */
  addresses: string[];
  workers?: number;
  /** Call Router processes (default: one per core, at most 4). */
  routers?: number;
  /** Voice mail in the main process: told of stored messages and worker exits; sends MWI on the UM service's SIP stack. */
  voicemail?: VoicemailEvents;
  /** Which roles run here (default all). */
  roles?: NodeRoles;
}

/** How a UM service restart went (restartUm). */
export interface UmRestartResult {
  /** Calls in progress (and in set-up) when the service stopped taking new ones. */
  callsAtStart: number;
  /** Of those, calls still going at the timeout, ended so the workers could restart. */
  callsEnded: number;
  workers: number;
}

export type UmRestartProgress = { state: 'draining'; calls: number } | { state: 'restarting'; callsEnded: number };

/** What this node's UM service takes now, for the node list (node-heartbeat.ts). */
export interface UmCapacity {
  tcp: boolean;
  tls: boolean;
  calls: number;
  maxCalls: number;
}

export class SipRoles implements LiveStatus {
  readonly routing: RoutingCache;
  readonly verifier: PeerVerifier;
  readonly routers: RouterPool;
  readonly umService: UmService;
  readonly supervisor: Supervisor;
  readonly playOnPhone: PlayOnPhoneDispatcher;
  readonly #node: OpenNode;
  readonly #opts: SipRolesOptions;
  readonly #umTls: StoreTlsProvider;
  readonly #umSip: SipEndpoint;
  readonly #umRefusals = new RefusalLog('umService');
  #maxCalls = 100;
  #umTakes = { tcp: false, tls: false };
  /** Set while the UM service drains for a restart (restartUm). */
  #umDraining = false;
  readonly nodeRoles: NodeRoles;
  /** The store's routing key replaces this one in start(), before any listener opens. */
  readonly #routingDeps: RouteDeps;

  constructor(node: OpenNode, log: Logger, options: SipRolesOptions) {
    this.#node = node;
    this.#opts = options;
    this.nodeRoles = options.roles ?? 'all';
    const server = requireServer(node);
    this.routing = new RoutingCache(node.store.db);
    this.verifier = new PeerVerifier(node.store.db);
    this.#routingDeps = { view: this.routing, verifier: this.verifier, tokens: new RoutingTokens(randomBytes(32)) };
    this.#umTls = new StoreTlsProvider(node, 'UM', log);
    this.#umSip = new SipEndpoint('um-service', { tls: this.#umTls, log });
    const count = options.workers ?? WORKER_PORTS.length;
    this.supervisor = new Supervisor(WORKER_PORTS.slice(0, count).map((ports, index) => ({
      index, ports, addresses: options.addresses,
      dataDir: node.dataDir, databaseUrl: process.env.OPENUM_DATABASE_URL || undefined,
    })), log, (i) => this.umService.workerReported(i), {
      onVoicemail: (i, m) => options.voicemail?.onVoicemail(i, m),
      onVoicemailPending: (i) => options.voicemail?.onVoicemailPending(i),
      onExit: (i, at) => {
        options.voicemail?.onWorkerExit(i, at);
        void this.playOnPhone.interrupted(i).catch((err: unknown) => log.warn({ err }, 'Play on Phone recovery failed'));
      },
    });
    this.playOnPhone = new PlayOnPhoneDispatcher({ db: node.store.db, serverName: server, supervisor: this.supervisor, log });
    // MWI NOTIFYs go out on the UM service's stack: a Call Router-only node leaves them to the UM nodes.
    if (runsUm(this.nodeRoles)) options.voicemail?.attachSip({ layer: this.#umSip.layer, transport: this.#umSip.transport, verifier: this.verifier });

    const dataDir = node.dataDir;
    const databaseUrl = process.env.OPENUM_DATABASE_URL || undefined;
    const routers = Math.max(1, options.routers ?? 1);
    this.routers = new RouterPool(Array.from({ length: routers }, (_, index) => ({
      index, count: routers, dataDir, databaseUrl, addresses: options.addresses, umHere: runsUm(this.nodeRoles),
    })), log);
    this.umService = new UmService({
      workers: () => this.supervisor.slots(),
      maxCalls: () => this.#maxCalls,
      routing: this.#routingDeps,
      log: log.child({ role: 'um-service' }),
      refusals: this.#umRefusals,
      store: node.store.health,
      draining: () => this.#umDraining,
    });
    this.#umSip.setUser(this.umService);
  }

  /** `beforeRouters` runs once the UM side is up and before any Call Router process starts (the node's first heartbeat). */
  async start(beforeRouters?: () => Promise<void>): Promise<void> {
    await this.playOnPhone.interrupted();
    this.#routingDeps.tokens = new RoutingTokens(await loadRoutingKey(this.#node.store.db));
    await this.reload();
    if (runsUm(this.nodeRoles)) await this.supervisor.start();
    await beforeRouters?.();
    if (runsCallRouter(this.nodeRoles)) await this.routers.start();
    void this.playOnPhone.dispatch();
  }

  /** The UM service's open SIP listeners (this process). */
  umListeners(): { protocol: string; address: string; port: number }[] {
    return this.#umSip.listening();
  }

  /** The SIP listen addresses this node was started with. */
  get addresses(): string[] {
    return [...this.#opts.addresses];
  }

  /** The UM service's transports, calls and MaxCallsAllowed now (nothing without the UM role). */
  umCapacity(): UmCapacity {
    const slots = this.supervisor.slots();
    const calls = slots.reduce((n, w) => n + w.calls, 0) + this.umService.settingUp();
    const alive = slots.some((w) => w.alive && !w.draining) && !this.#umDraining;
    return { tcp: this.#umTakes.tcp && alive, tls: this.#umTakes.tls && alive, calls, maxCalls: this.#maxCalls };
  }

  /**
   * `openum service restart um`: the UM service takes no new call (503; the Call Routers of every
   * node stopped sending calls here when the restart was asked), waits for the calls in progress
   * to end — at most `timeoutMs`, then ends those left (BYE, recordings kept) — restarts its
   * workers and opens its SIP listeners afresh. `progress` hears each step.
   */
  async restartUm(timeoutMs: number, progress: (p: UmRestartProgress) => void): Promise<UmRestartResult> {
    const deadline = Date.now() + timeoutMs;
    this.#umDraining = true;
    try {
      const callsAtStart = this.umCapacity().calls;
      progress({ state: 'draining', calls: callsAtStart });
      // A call redirected to a worker a moment ago is still on its way there: let it arrive.
      await waitUntil(() => this.umService.settingUp() === 0, Math.min(deadline, Date.now() + 5000));
      const r = await this.supervisor.restartAll(Math.max(0, deadline - Date.now()), (callsEnded) => progress({ state: 'restarting', callsEnded }));
      await this.#umSip.apply([]);
      await this.reload();
      return { callsAtStart, callsEnded: r.callsEnded, workers: r.workers };
    } finally {
      this.#umDraining = false;
    }
  }

  /** `openum service restart callrouter`: every Call Router process replaced, one at a time (RouterPool.rollingRestart). */
  restartCallRouter(timeoutMs: number): Promise<number> {
    return this.routers.rollingRestart(timeoutMs);
  }

  async calls(): Promise<CallsReport> {
    const workers = await this.supervisor.status();
    return callsReport(workers.flatMap((w) => w.calls), this.umService.settingUp());
  }

  async refusals(limit: number): Promise<RefusalEntry[]> {
    const [workers, routers] = await Promise.all([this.supervisor.status(), this.routers.status()]);
    return mergeRefusals([this.#umRefusals.list(), ...workers.map((w) => w.refusals), ...routers], limit);
  }

  /** Re-reads everything the roles depend on; safe to call on every store change. */
  async reload(): Promise<void> {
    const settings = await getServer(this.#node.store.db, requireServer(this.#node));
    await Promise.all([this.routing.reload(), this.verifier.reload(), this.#umTls.reload()]);
    this.#maxCalls = settings.umService.maxCallsAllowed;
    const um = runsUm(this.nodeRoles);
    const mode = settings.umService.startupMode;
    await this.#umSip.apply(um ? listenSpecs(mode, UM_SERVICE_PORTS, this.#opts.addresses, { udp: true }) : []);
    this.#umTakes = {
      tcp: um && mode !== 'TLS',
      tls: um && usesTls(mode) && (await tlsIdentity(this.#node.store.db, this.#node.vault, requireServer(this.#node), 'UM')) !== undefined,
    };
    void this.playOnPhone.dispatch();
  }

  async stop(): Promise<void> {
    await Promise.all([this.routers.stop(), this.supervisor.stop()]);
    await this.#umSip.close();
  }
}
