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
import { parseServices } from '../../pki/services.js';
import { requireServer, type OpenNode } from '../../services/node.js';

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
const enableBody = z.object({ services: z.union([z.string(), z.array(z.string())]), force: z.boolean().optional() }).strict();
const params = z.object({ thumbprint: z.string() });

export function registerCertificateRoutes(app: AdminApp, node: OpenNode): void {
  const ctx = (req: FastifyRequest): PkiContext => ({ db: node.store.db, vault: node.vault, server: requireServer(node), actor: req.actor });

  app.get('/api/certificates', async (req) => listCertificates(ctx(req)));
  app.get('/api/certificates/:thumbprint', async (req) => getCertificate(ctx(req), params.parse(req.params).thumbprint));
  app.post('/api/certificates', async (req, reply) => {
    const { view, request } = await newCertificate(ctx(req), newBody.parse(req.body ?? {}));
    return reply.code(201).send(request ? { ...view, request: toPem('CERTIFICATE REQUEST', request) } : view);
  });
  app.post('/api/certificates/import', async (req, reply) => {
    const body = importBody.parse(req.body ?? {});
    const result = await importCertificate(ctx(req), Buffer.from(body.data, 'base64'), body);
    return reply.code(201).send(result);
  });
  app.post('/api/certificates/:thumbprint/export', async (req, reply) => {
    const result = await exportCertificate(ctx(req), params.parse(req.params).thumbprint, exportBody.parse(req.body ?? {}));
    const type = result.kind === 'pfx' ? 'application/x-pkcs12'
      : result.kind === 'request' ? 'application/pkcs10' : 'application/pkix-cert';
    return reply.header('content-type', type).header('cache-control', 'no-store').send(result.data);
  });
  app.post('/api/certificates/:thumbprint/enable', async (req) => {
    const body = enableBody.parse(req.body ?? {});
    return enableCertificate(ctx(req), params.parse(req.params).thumbprint, parseServices(body.services), { confirmSmtpReplace: body.force === true });
  });
  app.delete('/api/certificates/:thumbprint', async (req, reply) => {
    await removeCertificate(ctx(req), params.parse(req.params).thumbprint);
    return reply.code(204).send();
  });
}
