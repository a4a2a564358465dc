// POST /api/integrations/sip-server: as `openum integrate sip-server` — the UM IP gateway, hunt
// groups and trusted root for a SIP server, the mutual-TLS checks (fixes said as API calls), and
// the SIP server's configuration files. Idempotent: a second call answers changed: false.
import { z } from 'zod';
import type { AdminApp } from '../app-type.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { integrateSipServer } from '../../services/integrations/sip-server.js';
import type { SipServerIntegration } from '../../services/integrations/sip-server-types.js';
import { errors, type Same } from '../route-schema.js';

const body = z.object({
  fqdn: z.string().describe("The SIP server's (pool's) FQDN, named in its TLS certificate: the UM IP gateway's address"),
  kind: z.string().describe('kamailio, asterisk or generic: which configuration to answer'),
  ca: z.string().min(1).optional().describe("The SIP server's CA certificate(s) to trust: PEM text, or the file base64-encoded (DER, PKCS#7)"),
  dialPlan: z.string().optional().describe('The SIP URI (SipName) dial plan for the hunt group; default: every SipName dial plan'),
  address: z.string().optional().describe('The IP address the SIP server listens on (for the configuration; default: a placeholder)'),
  port: z.number().int().optional().describe("The SIP server's TLS port, where OpenUM reaches it (the gateway's port; default 5061)"),
}).strict();

const state = z.enum(['created', 'updated', 'unchanged']);
const integrationView = z.object({
  kind: z.enum(['kamailio', 'asterisk', 'generic']),
  fqdn: z.string(),
  gateway: z.object({ name: z.string(), address: z.string(), port: z.number().int(), state }),
  huntGroups: z.array(z.object({ name: z.string(), dialPlan: z.string(), pilotIdentifier: z.string(), state })),
  trustedRoots: z.array(z.object({ thumbprint: z.string(), subject: z.string(), state: z.enum(['added', 'unchanged']) })),
  changed: z.boolean().describe('false when this call changed nothing (all of it was in place)'),
  checks: z.array(z.object({ what: z.string(), ok: z.boolean(), detail: z.string(), fix: z.string().optional().describe('The API call that fixes it') })),
  ready: z.boolean().describe('Every mutual-TLS check passed'),
  files: z.array(z.object({ name: z.string(), text: z.string() })).describe("The SIP server's configuration files, placeholders @LIKE_THIS@ to fill"),
}).meta({ id: 'SipServerIntegration' });
const check: Same<z.output<typeof integrationView>, SipServerIntegration> = true;
void check;

/** PEM text as it is; anything else is the file base64-encoded. */
const caBytes = (ca: string): Buffer => ca.includes('-----BEGIN') ? Buffer.from(ca, 'utf8') : Buffer.from(ca, 'base64');

export function registerIntegrationRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  app.post('/api/integrations/sip-server', {
    schema: {
      tags: ['Integrations'],
      summary: 'Connect a SIP server (Kamailio, Asterisk, other): gateway, hunt groups, trusted CA, mutual-TLS checks and its configuration',
      body, response: { 200: integrationView, ...errors(404, 409) },
    },
  }, async (req) => {
    const b = req.body;
    return integrateSipServer(db, req.actor, requireServer(node), {
      fqdn: b.fqdn, kind: b.kind, ...(b.ca === undefined ? {} : { ca: caBytes(b.ca) }),
      ...(b.dialPlan === undefined ? {} : { dialPlan: b.dialPlan }), ...(b.address === undefined ? {} : { address: b.address }),
      ...(b.port === undefined ? {} : { port: b.port }),
    }, 'api');
  });
}
