// /api/certificates: the same operations and rules as `openum certificate …`.
// Files travel as base64 in JSON bodies; exports come back as the file's bytes.
import type { FastifyRequest } from 'fastify';
import type { AdminApp } from '../app-type.js';
import { z } from 'zod';
import { getCertificate, listCertificates, type PkiContext } from '../../pki/context.js';
import { enableCertificate } from '../../pki/enable-certificate.js';
import { exportCertificate } from '../../pki/export-certificate.js';
import { importCertificate } from '../../pki/import-certificate.js';
import { newCertificate } from '../../pki/new-certificate.js';
import { toPem } from '../../pki/pem.js';
import { removeCertificate } from '../../pki/remove-certificate.js';
import { parseServices, SERVICES } from '../../pki/services.js';
import type { CertificateView } from '../../pki/certificate-view.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { binary, errors, noContent, type Same } from '../route-schema.js';

const newBody = z.object({
  subject: z.string().optional(),
  domains: z.array(z.string()).optional(),
  keySize: z.number().int().optional(),
  friendlyName: z.string().optional(),
  exportable: z.boolean().optional(),
  request: z.boolean().optional(),
}).strict();
const importBody = z.object({
  data: z.string().min(1, 'the file content (base64) is required'),
  password: z.string().optional(),
  friendlyName: z.string().optional(),
  exportable: z.boolean().optional(),
}).strict();
const exportBody = z.object({ password: z.string().optional(), der: z.boolean().optional(), chain: z.boolean().optional() }).strict();
const enableBody = z.object({
  services: z.union([z.string(), z.array(z.string())]), force: z.boolean().optional(),
  nodes: z.array(z.string().min(1).max(200)).min(1).optional().describe('Only these nodes (default: every node sharing the store; UM to those running a UM service, UMCallRouter to those running a Call Router)'),
}).strict();
const params = z.object({ thumbprint: z.string() });

// What the routes answer, field by field (`same` fails to compile if CertificateView changes).
const services = z.array(z.enum(SERVICES));
const certificateView = z.object({
  thumbprint: z.string(), friendlyName: z.string(), subject: z.string(), issuer: z.string(), domains: z.array(z.string()),
  services: services.describe('Assigned with enable'), defaultFor: services.describe('UM/UMCallRouter served by the install certificate while nothing else is assigned'),
  status: z.enum(['Valid', 'PendingRequest', 'DateInvalid', 'Untrusted', 'Revoked', 'Invalid']), statusReason: z.string(),
  notBefore: z.string().nullable(), notAfter: z.string().nullable(), selfSigned: z.boolean(), hasPrivateKey: z.boolean(),
  privateKeyExportable: z.boolean(), keyAlgorithm: z.string(), keySize: z.number().int(), serialNumber: z.string().nullable(),
  kind: z.enum(['certificate', 'request']), origin: z.string(), installCertificate: z.boolean().describe("This node's install certificate"),
  nodes: z.array(z.object({ node: z.string(), services, defaultFor: services })).describe('Every node sharing the store that uses it, and for what'),
}).meta({ id: 'Certificate' });
const created = certificateView.extend({ request: z.string().optional().describe('The CSR in PEM, for a request') });
const imported = z.object({
  view: certificateView, completedRequest: z.string().optional().describe('The request this certificate completed'),
  warnings: z.array(z.string()).optional().describe('Why the certificate cannot serve yet (imported without a private key)'),
});
const same: Same<z.output<typeof certificateView>, CertificateView> = true;
void same;

export function registerCertificateRoutes(app: AdminApp, node: OpenNode): void {
  const ctx = (req: FastifyRequest): PkiContext => ({ db: node.store.db, vault: node.vault, server: requireServer(node), actor: req.actor });
  const tags = ['Certificates'];

  app.get('/api/certificates', { schema: { tags, summary: 'List the certificates and requests of the store (shared by every node)', response: { 200: z.array(certificateView), ...errors() } } },
    async (req) => listCertificates(ctx(req)));
  app.get('/api/certificates/:thumbprint', { schema: { tags, summary: 'One certificate or request', params, response: { 200: certificateView, ...errors(404) } } },
    async (req) => getCertificate(ctx(req), req.params.thumbprint));
  app.post('/api/certificates', {
    schema: { tags, summary: 'A new self-signed certificate, or a request (request: true; the CSR in PEM in the answer)', body: newBody, response: { 201: created, ...errors(409) } },
  }, async (req, reply) => {
    const { view, request } = await newCertificate(ctx(req), req.body);
    return reply.code(201).send(request ? { ...view, request: toPem('CERTIFICATE REQUEST', request) } : view);
  });
  app.post('/api/certificates/import', {
    schema: { tags, summary: 'Import a certificate (PEM, DER, PKCS#7 or PFX, base64), or the CA\'s answer to a request', body: importBody, response: { 201: imported, ...errors(404, 409) } },
  }, async (req, reply) => {
    const result = await importCertificate(ctx(req), Buffer.from(req.body.data, 'base64'), req.body);
    return reply.code(201).send(result);
  });
  app.post('/api/certificates/:thumbprint/export', {
    schema: {
      tags, summary: 'Export: the certificate (PEM or DER), the request, or a PFX with the key (password)', params, body: exportBody,
      response: { 200: binary('The file', 'application/x-pkcs12', 'application/pkcs10', 'application/pkix-cert'), ...errors(404, 409) },
    },
  }, async (req, reply) => {
    const result = await exportCertificate(ctx(req), req.params.thumbprint, req.body);
    const type = result.kind === 'pfx' ? 'application/x-pkcs12'
      : result.kind === 'request' ? 'application/pkcs10' : 'application/pkix-cert';
    return reply.header('content-type', type).header('cache-control', 'no-store').send(result.data);
  });
  app.post('/api/certificates/:thumbprint/enable', {
    schema: { tags, summary: 'Assign the certificate to services (IIS, SMTP, IMAP, POP, UM, UMCallRouter) on every node, or on the nodes named', params, body: enableBody, response: { 200: certificateView, ...errors(404, 409) } },
  }, async (req) => enableCertificate(ctx(req), req.params.thumbprint, parseServices(req.body.services), { confirmSmtpReplace: req.body.force === true, nodes: req.body.nodes }));
  app.delete('/api/certificates/:thumbprint', { schema: { tags, summary: 'Remove a certificate or request not assigned to services', params, response: { 204: noContent, ...errors(404, 409) } } },
    async (req, reply) => {
      await removeCertificate(ctx(req), req.params.thumbprint);
      return reply.code(204).send();
    });
}
