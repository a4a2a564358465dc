// /api/server, /api/service, /api/callrouter, /api/admin, /api/audit: the same settings and
// rules as `openum server|service|callrouter|admin get|set` and `openum audit`.
import type { AdminApp } from '../app-type.js';
import { z } from 'zod';
import { getServer, setAdmin, setCallRouter, setServerIdentity, setUmService } from '../../org/server-settings.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { readAudit } from '../../store/audit.js';

const port = z.union([z.number().int(), z.string()]);
const serviceBody = z.object({ startupMode: z.string().optional(), rtpPorts: z.string().optional(), maxCallsAllowed: z.union([z.number(), z.string()]).optional(), sipTcpPort: port.optional(), sipTlsPort: port.optional(), minRecordingSeconds: z.union([z.number(), z.string()]).optional() }).strict();
const callRouterBody = z.object({ startupMode: z.string().optional(), sipTcpPort: port.optional(), sipTlsPort: port.optional(), sipUdp: z.boolean().optional() }).strict();
const serverBody = z.object({ fqdn: z.string().optional() }).strict();
const adminBody = z.object({ address: z.string().optional(), port: port.optional() }).strict();
export const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50), action: z.string().optional(), before: z.coerce.number().int().min(1).optional() }).strict();

export function registerSettingsRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const name = () => requireServer(node);
  app.get('/api/server', async () => getServer(db, name()));
  app.patch('/api/server', async (req) => setServerIdentity(db, req.actor, name(), serverBody.parse(req.body ?? {})));
  app.get('/api/service', async () => (await getServer(db, name())).umService);
  app.patch('/api/service', async (req) => (await setUmService(db, req.actor, name(), serviceBody.parse(req.body ?? {}))).umService);
  app.get('/api/callrouter', async () => (await getServer(db, name())).callRouter);
  app.patch('/api/callrouter', async (req) => (await setCallRouter(db, req.actor, name(), callRouterBody.parse(req.body ?? {}))).callRouter);
  app.get('/api/admin', async () => (await getServer(db, name())).admin);
  app.patch('/api/admin', async (req) => (await setAdmin(db, req.actor, name(), adminBody.parse(req.body ?? {}))).admin);
  // The body stays an array (existing clients read it so); paging is ?before=<id>, and the
  // X-Next-Before header gives the id to pass for the next page when there is one.
  app.get('/api/audit', async (req, reply) => {
    const q = auditQuery.parse(req.query ?? {});
    const entries = await readAudit(db, { ...q, limit: q.limit + 1 });
    const page = entries.slice(0, q.limit);
    const last = page.at(-1);
    if (entries.length > q.limit && last) void reply.header('x-next-before', String(last.id));
    return page;
  });
}
