// /api/server, /api/service, /api/callrouter, /api/admin, /api/audit: the same settings and
// rules as `openum server|service|callrouter|admin get|set` and `openum audit`.
import type { AdminApp } from '../app-type.js';
import { z } from 'zod';
import { getServer, setAdmin, setCallRouter, setServerIdentity, setUmService } from '../../org/server-settings.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { parseSipAddresses } from '../../org/sip-addresses.js';
import { readAudit, type AuditEntry } from '../../store/audit.js';
import { errors, type Same } from '../route-schema.js';

const port = z.union([z.number().int(), z.string()]);
const serviceBody = z.object({ startupMode: z.string().optional(), rtpPorts: z.string().optional(), maxCallsAllowed: z.union([z.number(), z.string()]).optional(), sipTcpPort: port.optional(), sipTlsPort: port.optional(), minRecordingSeconds: z.union([z.number(), z.string()]).optional() }).strict();
const callRouterBody = z.object({ startupMode: z.string().optional(), sipTcpPort: port.optional(), sipTlsPort: port.optional(), sipUdp: z.boolean().optional() }).strict();
const serverBody = z.object({ fqdn: z.string().optional(), sipAddresses: z.union([z.string(), z.array(z.string())]).optional() }).strict();
const adminBody = z.object({ address: z.string().optional(), port: port.optional() }).strict();
// What the settings routes answer: every field (a field not listed here would be dropped).
const startupMode = z.string().describe('TCP, TLS or Dual');
export const umServiceView = z.object({
  startupMode, maxCallsAllowed: z.number().int(), sipTcpPort: z.number().int(), sipTlsPort: z.number().int(),
  rtpPorts: z.object({ min: z.number().int(), max: z.number().int() }), minRecordingMs: z.number().int(),
}).meta({ id: 'UmServiceSettings' });
export const callRouterView = z.object({
  startupMode, sipTcpPort: z.number().int(), sipTlsPort: z.number().int(), sipUdp: z.boolean(),
}).meta({ id: 'CallRouterSettings' });
export const adminView = z.object({ address: z.string(), port: z.number().int() }).meta({ id: 'AdminSettings' });
export const smtpSettings = z.object({
  host: z.string().nullable(), port: z.number().int(), security: z.string(), from: z.string().nullable(),
});
export const serverView = z.object({
  name: z.string(), fqdn: z.string(), umService: umServiceView, callRouter: callRouterView, admin: adminView, smtp: smtpSettings,
  installCertificate: z.string().nullable(),
  sipAddresses: z.array(z.string()).describe('Where the SIP roles listen from the next start'),
}).meta({ id: 'ServerSettings' });
const auditEntry = z.object({
  id: z.number().int(), at: z.string(), actor: z.string(), action: z.string(), target: z.string(), details: z.record(z.string(), z.unknown()),
}).meta({ id: 'AuditEntry' });
const same: Same<z.output<typeof auditEntry>, AuditEntry> = true;
void same;
export const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50), action: z.string().optional(), before: z.coerce.number().int().min(1).optional() }).strict();

export function registerSettingsRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const name = () => requireServer(node);
  const tags = ['Server'];
  // sipAddresses: where the SIP roles listen from the next start (org/sip-addresses.ts).
  app.get('/api/server', { schema: { tags, summary: 'This server: FQDN and every setting', response: { 200: serverView, ...errors() } } },
    async () => getServer(db, name()));
  app.patch('/api/server', { schema: { tags, summary: 'Change the server\'s FQDN or SIP listen addresses', body: serverBody, response: { 200: serverView, ...errors() } } },
    async (req) => {
      const body = req.body;
      const addresses = body.sipAddresses === undefined ? undefined : parseSipAddresses(body.sipAddresses, 'sipAddresses');
      return setServerIdentity(db, req.actor, name(), { fqdn: body.fqdn, sipAddresses: addresses });
    });
  app.get('/api/service', { schema: { tags, summary: 'The UM service settings', response: { 200: umServiceView, ...errors() } } }, async () => (await getServer(db, name())).umService);
  app.patch('/api/service', { schema: { tags, summary: 'Change the UM service settings', body: serviceBody, response: { 200: umServiceView, ...errors() } } },
    async (req) => (await setUmService(db, req.actor, name(), req.body)).umService);
  app.get('/api/callrouter', { schema: { tags, summary: 'The Call Router settings', response: { 200: callRouterView, ...errors() } } }, async () => (await getServer(db, name())).callRouter);
  app.patch('/api/callrouter', { schema: { tags, summary: 'Change the Call Router settings', body: callRouterBody, response: { 200: callRouterView, ...errors() } } },
    async (req) => (await setCallRouter(db, req.actor, name(), req.body)).callRouter);
  app.get('/api/admin', { schema: { tags, summary: 'Where the admin API listens', response: { 200: adminView, ...errors() } } }, async () => (await getServer(db, name())).admin);
  app.patch('/api/admin', { schema: { tags, summary: 'Move the admin API', body: adminBody, response: { 200: adminView, ...errors() } } },
    async (req) => (await setAdmin(db, req.actor, name(), req.body)).admin);
  app.get('/api/audit', { schema: { tags: ['Audit'], summary: 'The audit log, newest first', querystring: auditQuery, response: { 200: z.array(auditEntry), ...errors() } } },
    // The body stays an array (existing clients read it so); paging is ?before=<id>, and the
    // X-Next-Before header gives the id to pass for the next page when there is one.
    async (req, reply) => {
      const q = req.query;
      const entries = await readAudit(db, { ...q, limit: q.limit + 1 });
      const page = entries.slice(0, q.limit);
      const last = page.at(-1);
      if (entries.length > q.limit && last) void reply.header('x-next-before', String(last.id));
      return page;
    });
}
