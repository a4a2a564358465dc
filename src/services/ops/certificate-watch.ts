// Watches the certificates this server's services use: a warning in the log at 30, 14 and 7 days
// before one expires (once per threshold, certificate and day, so a daily reminder and never a
// flood), an error once a day after it has expired, and the install's self-signed certificate
// renewed RENEW_DAYS before it expires — a new one with the same subject, names and key size,
// enabled for the services the old one had, and made the install certificate so UM and
// UMCallRouter follow it by default. The old one stays in the store until it expires (or an
// administrator removes it). Runs in the main process only, at start and then every hour.
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { findServer, setInstallCertificate } from '../../org/server-settings.js';
import { findRecord, readAssignments } from '../../pki/certificate-repository.js';
import { describeCertificate } from '../../pki/describe.js';
import { enableCertificate } from '../../pki/enable-certificate.js';
import { newCertificate } from '../../pki/new-certificate.js';
import type { Service } from '../../pki/services.js';
import { pkiContext, type OpenNode } from '../node.js';
import { assignedCertificates } from './certificate-expiry.js';

export const WARN_DAYS = [30, 14, 7] as const;
export const RENEW_DAYS = 30;
const CHECK_EVERY_MS = 60 * 60_000;

export interface CertificateWatchOptions {
  node: OpenNode;
  log: Logger;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

export class CertificateWatch {
  readonly #node: OpenNode;
  readonly #log: Logger;
  readonly #now: () => number;
  /** "thumbprint|threshold|YYYY-MM-DD" already logged. */
  readonly #told = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(o: CertificateWatchOptions) {
    this.#node = o.node;
    this.#log = o.log.child({ component: 'certificates' });
    this.#now = o.now ?? Date.now;
  }

  start(): void {
    void this.check();
    this.#timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** One pass: warnings, then renewal of the install certificate when it is due. Never throws. */
  check(): Promise<void> {
    this.#running ??= this.#check().catch((err: unknown) => this.#log.error({ err }, 'certificate expiry check failed')).finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #check(): Promise<void> {
    const now = this.#now();
    const day = new Date(now).toISOString().slice(0, 10);
    const byThumbprint = new Map<string, { services: string[]; daysLeft: number; notAfter: string; subject: string }>();
    for (const c of await assignedCertificates(this.#node, now)) {
      const e = byThumbprint.get(c.thumbprint) ?? { services: [], daysLeft: c.daysLeft, notAfter: c.notAfter, subject: c.subject };
      e.services.push(c.service);
      byThumbprint.set(c.thumbprint, e);
    }
    for (const [thumbprint, c] of byThumbprint) {
      const threshold = c.daysLeft < 0 ? 0 : [...WARN_DAYS].reverse().find((t) => c.daysLeft <= t);
      if (threshold === undefined) continue;
      const key = `${thumbprint}|${threshold}|${day}`;
      if (this.#told.has(key)) continue;
      this.#told.add(key);
      const fields = { thumbprint, subject: c.subject, services: c.services, notAfter: c.notAfter, daysLeft: Math.floor(c.daysLeft), threshold };
      if (threshold === 0) this.#log.error(fields, 'certificate has expired: TLS peers will refuse it; enable a new one (openum certificate new, then enable)');
      else this.#log.warn(fields, `certificate expires in less than ${threshold} days`);
    }
    await this.#renewInstallCertificate(now);
  }

  async #renewInstallCertificate(now: number): Promise<void> {
    const node = this.#node;
    const name = node.serverName;
    if (!name) return;
    const server = await findServer(node.store.db, name);
    const old = server?.installCertificate ? await findRecord(node.store.db, server.installCertificate) : undefined;
    if (!old || old.origin !== 'self-signed' || old.kind !== 'certificate') return;
    const info = describeCertificate(old.der);
    const daysLeft = (info.notAfter.getTime() - now) / 86_400_000;
    if (daysLeft > RENEW_DAYS) return;
    const services = [...(await readAssignments(node.store.db, name))].filter(([, t]) => t === old.thumbprint).map(([s]) => s as Service);
    const ctx = pkiContext(node);
    const cn = info.commonName.toLowerCase();
    const { view } = await newCertificate(ctx, {
      subject: info.subject,
      domains: info.domains.filter((d) => d.toLowerCase() !== cn && isIP(d) === 0),
      keySize: info.keySize,
      friendlyName: old.friendlyName.includes('(renewed)') ? old.friendlyName : `${old.friendlyName.slice(0, 52)} (renewed)`,
    });
    // This node's services only: the install certificate names this node alone.
    if (services.length > 0) await enableCertificate(ctx, view.thumbprint, services, { confirmSmtpReplace: true, nodes: [name] });
    await setInstallCertificate(node.store.db, node.actor, name, view.thumbprint);
    this.#log.warn({ old: old.thumbprint, new: view.thumbprint, notAfter: view.notAfter, services, daysLeft: Math.floor(daysLeft) },
      'install certificate renewed: the new self-signed certificate serves its services; the old one is kept until it expires');
  }
}
