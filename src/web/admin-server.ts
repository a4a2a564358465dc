// The admin API over HTTPS (the seeds' IIS service): served with the certificate assigned to
// IIS, swapped in place with setSecureContext when another one is enabled, so new connections
// get it at once while open ones finish on the old one (no restart, nothing dropped).
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import { fastify, LogController, type FastifyBaseLogger, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { OpenUmError } from '../errors.js';
import { TLS_SERVER_OPTIONS } from '../tls-policy.js';
import { getServer } from '../org/server-settings.js';
import { tlsIdentity, type TlsIdentity } from '../pki/tls-identity.js';
import { requireServer, type OpenNode } from '../services/node.js';
import type { AdminApp } from './app-type.js';
import { registerAuth } from './auth.js';
import { registerErrorHandler } from './error-handler.js';
import { withChangeErrors } from './route-schema.js';
import { registerAudioUploads } from './uploads.js';
import { registerStoreOutage } from './store-outage.js';
import type { LiveStatus } from '../services/live-status.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerMeMessageRoutes } from './routes/me-messages.js';
import { registerMeRoutes } from './routes/me.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerOpenApi } from './openapi.js';
import { registerAutoAttendantRoutes } from './routes/auto-attendants.js';
import { registerCallRoutes } from './routes/calls.js';
import { registerCertificateRoutes } from './routes/certificates.js';
import { registerOrganisationRoutes } from './routes/organisation.js';
import { registerPinRoutes } from './routes/pins.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerNodeRoutes } from './routes/nodes.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerTrustRoutes } from './routes/trust.js';
import { registerIntegrationRoutes } from './routes/integrations.js';
import { registerVoicemailRoutes } from './routes/voicemail.js';
import { registerPlayOnPhoneRoutes } from './routes/play-on-phone.js';
import { registerStaticApp } from './static-app.js';
import { registerOperationsRoutes } from './routes/operations.js';
import { countTlsFailure } from '../services/ops/process-metrics.js';
import { registerWorkerRoutes, type WorkerControl } from './routes/workers.js';

export class AdminServer {
  readonly #node: OpenNode;
  readonly #log: Logger;
  #app: AdminApp | undefined;
  #server: Server | undefined;
  #identity: TlsIdentity | undefined;
  #bound: { address: string; port: number } | undefined;

  readonly #workers: WorkerControl | undefined;
  readonly #live: LiveStatus | undefined;

  /** `workers` and `live` are absent when the node runs without its SIP roles (--no-sip). */
  constructor(node: OpenNode, log: Logger, workers?: WorkerControl, live?: LiveStatus) {
    this.#workers = workers;
    this.#live = live;
    this.#node = node;
    this.#log = log.child({ component: 'admin-api' });
  }

  readonly #routes: Array<{ method: string; url: string }> = [];
  /** Every route of the API (method and URL pattern), HEAD aside. */
  get routes(): ReadonlyArray<{ method: string; url: string }> {
    return this.#routes;
  }

  /** Answers one request in process, as a connection would be (the fuzz run's admin API target). */
  async inject(request: InjectOptions): Promise<LightMyRequestResponse> {
    if (!this.#app) throw new Error('admin server not started');
    return this.#app.inject(request);
  }

  get thumbprint(): string | undefined {
    return this.#identity?.thumbprint;
  }

  /** Starts listening; `override` replaces the stored address/port (tests use port 0). */
  async start(override?: { address?: string; port?: number }): Promise<{ address: string; port: number }> {
    const identity = await this.#loadIdentity();
    this.#identity = identity;
    const app = fastify({
      loggerInstance: this.#log as FastifyBaseLogger,
      // fastify 5 deprecates the top-level disableRequestLogging (FSTDEP023) for this.
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: 2 * 1024 * 1024,
      serverFactory: (handler) => {
        this.#server = createServer({ cert: identity.certPem, key: identity.keyPem, ...TLS_SERVER_OPTIONS }, handler);
        this.#server.on('tlsClientError', (err: Error) => countTlsFailure('admin-api', err));
        return this.#server;
      },
    }).withTypeProvider<ZodTypeProvider>();
    // Routes are collected as they are added: the OpenAPI document lists them (tests compare).
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') this.#routes.push({ method: m, url: r.url });
      withChangeErrors(r as Parameters<typeof withChangeErrors>[0]);
    });
    await registerOpenApi(app);
    registerErrorHandler(app, this.#log);
    await app.register(fastifyCookie);
    // Per-route limits only (sign-in and password routes: routes/session.ts); 429 as a coded error.
    await app.register(fastifyRateLimit, {
      global: false,
      errorResponseBuilder: (_req, ctx) => new OpenUmError('TOO_MANY_REQUESTS', `too many attempts; try again in ${ctx.after}`),
    });
    registerStoreOutage(app, this.#node);
    registerAuth(app, this.#node);
    registerAudioUploads(app);
    registerSessionRoutes(app, this.#node);
    registerMeRoutes(app, this.#node);
    registerMeMessageRoutes(app, this.#node);
    registerAccountRoutes(app, this.#node);
    registerSettingsRoutes(app, this.#node);
    registerCertificateRoutes(app, this.#node);
    registerTrustRoutes(app, this.#node);
    registerIntegrationRoutes(app, this.#node);
    registerWorkerRoutes(app, this.#workers);
    registerCallRoutes(app, this.#node, this.#live);
    registerNodeRoutes(app, this.#node);
    registerOrganisationRoutes(app, this.#node);
    registerPolicyRoutes(app, this.#node);
    registerPinRoutes(app, this.#node);
    registerVoicemailRoutes(app, this.#node);
    registerAutoAttendantRoutes(app, this.#node);
    registerPlayOnPhoneRoutes(app, this.#node);
    registerOperationsRoutes(app);
    await registerStaticApp(app);
    await app.ready();
    this.#app = app;
    const settings = await getServer(this.#node.store.db, requireServer(this.#node));
    this.#override = override;
    return this.#listen(override?.address ?? settings.admin.address, override?.port ?? settings.admin.port);
  }

  #override: { address?: string; port?: number } | undefined;

  /** Called on every store change: swaps the certificate, or moves the listener, if they changed. */
  async reload(): Promise<void> {
    const identity = await this.#loadIdentity();
    if (identity.thumbprint !== this.#identity?.thumbprint) {
      this.#server?.setSecureContext({ cert: identity.certPem, key: identity.keyPem, ...TLS_SERVER_OPTIONS });
      this.#log.info({ from: this.#identity?.thumbprint, to: identity.thumbprint }, 'admin API certificate replaced (IIS)');
      this.#identity = identity;
    }
    const settings = await getServer(this.#node.store.db, requireServer(this.#node));
    const address = this.#override?.address ?? settings.admin.address;
    const bound = this.#bound;
    if (!bound) return;
    // An overridden port (0 in tests: ephemeral) stays the one bound when the address moves.
    const port = this.#override?.port === undefined ? settings.admin.port : bound.port;
    const moved = address !== bound.address || port !== bound.port;
    // Not listening although the settings did not move: a move failed earlier; listen again.
    if (!moved && this.#server?.listening) return;
    await this.#closeListener();
    try {
      await this.#listen(address, port);
    } catch (e) {
      // The settings refuse addresses this host does not have, but one can still fail to bind
      // (taken port, removed interface): keep serving where it was rather than stop serving.
      this.#log.error({ address, port, err: e }, 'admin API cannot move; it stays where it was');
      await this.#listen(bound.address, bound.port);
    }
  }

  async close(): Promise<void> {
    await this.#app?.close();
    // The server listens through #listen, not app.listen, so fastify does not close it.
    if (this.#server?.listening) await this.#closeListener();
  }

  async #listen(address: string, port: number): Promise<{ address: string; port: number }> {
    const server = this.#server;
    if (!server) throw new Error('admin server not created');
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(new OpenUmError('BAD_SETTING', `the admin API cannot listen on ${address}:${port}: ${e.message}`, { cause: e }));
      server.once('error', onError);
      server.listen(port, address, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const a = server.address() as AddressInfo;
    this.#bound = { address, port: a.port };
    this.#log.info({ address, port: a.port, certificate: this.#identity?.thumbprint }, 'admin API listening');
    return { address, port: a.port };
  }

  async #closeListener(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  async #loadIdentity(): Promise<TlsIdentity> {
    const identity = await tlsIdentity(this.#node.store.db, this.#node.vault, requireServer(this.#node), 'IIS');
    if (!identity) {
      throw new OpenUmError('NO_PRIVATE_KEY', 'no certificate with a private key is assigned to IIS', {
        cli: ': enable one with openum certificate enable THUMBPRINT --services IIS',
        api: ': enable one with POST /api/certificates/{thumbprint}/enable { services: IIS }',
      });
    }
    return identity;
  }
}
