// The admin API over HTTPS (the seeds' IIS service): served with the certificate assigned to
// IIS, swapped in place with setSecureContext when another one is enabled, so new connections
// get it at once while open ones finish on the old one (no restart, nothing dropped).
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fastify, type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { OpenUmError } from '../errors.js';
import { TLS_SERVER_OPTIONS } from '../tls-policy.js';
import { getServer } from '../org/server-settings.js';
import { tlsIdentity, type TlsIdentity } from '../pki/tls-identity.js';
import { requireServer, type OpenNode } from '../services/node.js';
import type { AdminApp } from './app-type.js';
import { registerAuth } from './auth.js';
import { registerErrorHandler } from './error-handler.js';
import { registerAutoAttendantRoutes } from './routes/auto-attendants.js';
import { registerCertificateRoutes } from './routes/certificates.js';
import { registerOrganisationRoutes } from './routes/organisation.js';
import { registerPinRoutes } from './routes/pins.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerTrustRoutes } from './routes/trust.js';
import { registerVoicemailRoutes } from './routes/voicemail.js';
import { registerPlayOnPhoneRoutes } from './routes/play-on-phone.js';
import { registerStaticApp } from './static-app.js';
import { registerWorkerRoutes, type WorkerControl } from './routes/workers.js';

export class AdminServer {
  readonly #node: OpenNode;
  readonly #log: Logger;
  #app: AdminApp | undefined;
  #server: Server | undefined;
  #identity: TlsIdentity | undefined;
  #bound: { address: string; port: number } | undefined;

  readonly #workers: WorkerControl | undefined;

  constructor(node: OpenNode, log: Logger, workers?: WorkerControl) {
    this.#workers = workers;
    this.#node = node;
    this.#log = log.child({ component: 'admin-api' });
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
      disableRequestLogging: true,
      bodyLimit: 2 * 1024 * 1024,
      serverFactory: (handler) => {
        this.#server = createServer({ cert: identity.certPem, key: identity.keyPem, ...TLS_SERVER_OPTIONS }, handler);
        return this.#server;
      },
    });
    registerErrorHandler(app, this.#log);
    registerAuth(app, this.#node);
    registerSettingsRoutes(app, this.#node);
    registerCertificateRoutes(app, this.#node);
    registerTrustRoutes(app, this.#node);
    registerWorkerRoutes(app, this.#workers);
    registerOrganisationRoutes(app, this.#node);
    registerPolicyRoutes(app, this.#node);
    registerPinRoutes(app, this.#node);
    registerVoicemailRoutes(app, this.#node);
    registerAutoAttendantRoutes(app, this.#node);
    registerPlayOnPhoneRoutes(app, this.#node);
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
    const port = this.#override?.port ?? settings.admin.port;
    if (this.#bound && (address !== this.#bound.address || (port !== this.#bound.port && this.#override?.port === undefined))) {
      await this.#closeListener();
      await this.#listen(address, port);
    }
  }

  async close(): Promise<void> {
    await this.#app?.close();
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
      throw new OpenUmError('NO_PRIVATE_KEY', 'no certificate with a private key is assigned to IIS: enable one with openum certificate enable THUMBPRINT --services IIS');
    }
    return identity;
  }
}
