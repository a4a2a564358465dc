// What every certificate operation needs: the store, the key vault, which server, who acts.
import type { Kysely } from 'kysely';
import { getServer, type ServerSettings } from '../org/server-settings.js';
import type { Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { getRecord } from './certificate-repository.js';
import { buildViews, type CertificateView } from './certificate-view.js';
import type { KeyVault } from './key-vault.js';
import { loadTrustMaterial } from './trust-store.js';

export interface PkiContext {
  db: Kysely<Database>;
  vault: KeyVault;
  /** Name of the local server (its row in `servers`). */
  server: string;
  actor: Actor;
  /** Clock, replaceable in tests. */
  now?: () => Date;
}

export async function listCertificates(ctx: PkiContext): Promise<CertificateView[]> {
  const server = await getServer(ctx.db, ctx.server);
  const trust = await loadTrustMaterial(ctx.db);
  return buildViews(ctx.db, server, trust, ctx.now?.() ?? new Date());
}

export async function getCertificate(ctx: PkiContext, thumbprint: string): Promise<CertificateView> {
  const rec = await getRecord(ctx.db, thumbprint);
  const views = await listCertificates(ctx);
  const view = views.find((v) => v.thumbprint === rec.thumbprint);
  if (!view) throw new Error(`certificate ${rec.thumbprint} vanished while reading`);
  return view;
}

export async function serverOf(ctx: PkiContext): Promise<ServerSettings> {
  return getServer(ctx.db, ctx.server);
}
