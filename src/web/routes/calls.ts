// GET /api/calls, /api/refusals, /api/ports: what the admin center's Calls and Servers pages
// show — the calls in progress on this node and the last refusals (pulled from the node's
// processes when asked, services/live-status.ts), and the live port table with the firewall
// rules that open it. The zod schemas are the routes' contract (and their OpenAPI document).
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import { FIREWALL_KINDS, firewallRules, portTable } from '../../org/port-table.js';
import { getServer } from '../../org/server-settings.js';
import type { LiveStatus } from '../../services/live-status.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';

export const refusalsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) }).strict();

const transport = z.enum(['udp', 'tcp', 'tls']);
export const callsResponse = z.object({
  calls: z.array(z.object({
    id: z.string(), role: z.literal('worker'), worker: z.number().int(),
    type: z.enum(['callAnswering', 'subscriberAccess', 'autoAttendant', 'playOnPhone']),
    direction: z.enum(['inbound', 'outbound']), from: z.string(), to: z.string(),
    gateway: z.string().nullable(), dialPlan: z.string().nullable(), user: z.string().nullable(),
    transport, media: z.enum(['RTP', 'SRTP']), startedAt: z.string(),
  })),
  totals: z.object({
    byRole: z.object({ worker: z.number().int(), umService: z.number().int() }),
    byGateway: z.record(z.string(), z.number().int()),
    byDialPlan: z.record(z.string(), z.number().int()),
    byType: z.record(z.string(), z.number().int()),
  }),
});
export const refusalsResponse = z.object({
  refusals: z.array(z.object({
    at: z.string(), role: z.enum(['callRouter', 'umService', 'worker']), worker: z.number().int().optional(),
    status: z.number().int(), reason: z.string(), method: z.string(), from: z.string(), to: z.string(),
    peer: z.string(), transport, gateway: z.string().nullable(),
  })),
});
export const portsResponse = z.object({
  ports: z.array(z.object({
    role: z.string(), protocol: z.enum(['UDP', 'TCP']), port: z.string(), mode: z.enum(['unsecured', 'mutual TLS', 'media', 'HTTPS']),
    open: z.boolean(), changeable: z.string(), description: z.string(),
  })),
  firewall: z.object({ nftables: z.string(), iptables: z.string(), ufw: z.string() }),
});

export function registerCallRoutes(app: AdminApp, node: OpenNode, live: LiveStatus | undefined): void {
  const need = (): LiveStatus => {
    if (!live) throw new OpenUmError('NOT_RUNNING', 'this server runs without its SIP roles: it carries no calls and refuses none');
    return live;
  };
  app.get('/api/calls', async () => need().calls());
  app.get('/api/refusals', async (req) => {
    const { limit } = refusalsQuery.parse(req.query ?? {});
    return { refusals: await need().refusals(limit) };
  });
  // The port table needs no running SIP roles: it is the stored configuration, as `openum ports`.
  app.get('/api/ports', async () => {
    const settings = await getServer(node.store.db, requireServer(node));
    const rows = portTable(settings, 'api');
    const firewall = Object.fromEntries(FIREWALL_KINDS.map((k) => [k, firewallRules(rows, k)])) as Record<(typeof FIREWALL_KINDS)[number], string>;
    return { ports: rows, firewall };
  });
}
