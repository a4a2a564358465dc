// GET /api/calls, /api/refusals, /api/ports: what the admin center's Calls and Servers pages
// show — the calls in progress on this node and the last refusals (pulled from the node's
// processes when asked, services/live-status.ts), and the live port table with the firewall
// rules that open it. The zod schemas are the routes' contract (and their OpenAPI document).
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import { FIREWALL_KINDS, firewallRules, portTable, type PortRow } from '../../org/port-table.js';
import { getServer } from '../../org/server-settings.js';
import type { CallsReport, LiveStatus } from '../../services/live-status.js';
import type { RefusalEntry } from '../../services/routing/refusal-log.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { errors, type Same } from '../route-schema.js';

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
}).meta({ id: 'CallsReport' });
export const refusalsResponse = z.object({
  refusals: z.array(z.object({
    at: z.string(), role: z.enum(['callRouter', 'umService', 'worker']), worker: z.number().int().optional(),
    status: z.number().int(), reason: z.string(), method: z.string(), from: z.string(), to: z.string(),
    peer: z.string(), transport, gateway: z.string().nullable(),
  }).meta({ id: 'Refusal' })),
});
export const portsResponse = z.object({
  ports: z.array(z.object({
    role: z.string(), protocol: z.enum(['UDP', 'TCP']), port: z.string(), mode: z.enum(['unsecured', 'mutual TLS', 'media', 'HTTPS']),
    open: z.boolean(), changeable: z.string(), description: z.string(),
    addresses: z.array(z.string()).describe('The addresses it listens on (the SIP roles: from the next start)'),
  })),
  firewall: z.object({ nftables: z.string(), iptables: z.string(), ufw: z.string() }).describe('The rules that open the open ports, per firewall'),
});

const checks: [
  Same<z.output<typeof callsResponse>, CallsReport>, Same<z.output<typeof refusalsResponse>['refusals'][number], RefusalEntry>,
  Same<z.output<typeof portsResponse>['ports'][number], PortRow & { addresses: string[] }>,
] = [true, true, true];
void checks;

export function registerCallRoutes(app: AdminApp, node: OpenNode, live: LiveStatus | undefined): void {
  const need = (): LiveStatus => {
    if (!live) throw new OpenUmError('NOT_RUNNING', 'this server runs without its SIP roles: it carries no calls and refuses none');
    return live;
  };
  const tags = ['Calls'];
  app.get('/api/calls', {
    schema: { tags, summary: 'The calls in progress on this server, with totals (503 NOT_RUNNING without the SIP roles)', response: { 200: callsResponse, ...errors() } },
  }, async () => need().calls());
  app.get('/api/refusals', {
    schema: { tags, summary: 'The last SIP requests refused by this server\'s processes, newest first', querystring: refusalsQuery, response: { 200: refusalsResponse, ...errors() } },
  }, async (req) => ({ refusals: await need().refusals(req.query.limit) }));
  // The port table needs no running SIP roles: it is the stored configuration, as `openum ports`.
  app.get('/api/ports', {
    schema: { tags, summary: 'The ports this server listens on, and the firewall rules that open them', response: { 200: portsResponse, ...errors() } },
  }, async () => {
    const settings = await getServer(node.store.db, requireServer(node));
    // The same rows as `openum ports --json`: with the addresses each role listens on.
    const sip = settings.sipAddresses;
    const rows = portTable(settings, 'api').map((r) => ({ ...r, addresses: r.role === 'Admin API' ? [settings.admin.address] : sip }));
    const firewall = Object.fromEntries(FIREWALL_KINDS.map((k) => [k, firewallRules(rows, k)])) as Record<(typeof FIREWALL_KINDS)[number], string>;
    return { ports: rows, firewall };
  });
}
