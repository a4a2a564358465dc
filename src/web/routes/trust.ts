// /api/trust: trusted roots and CRLs, as `openum trust …`.
import type { AdminApp } from '../app-type.js';
import { z } from 'zod';
import { listRecords, normaliseThumbprint } from '../../pki/certificate-repository.js';
import {
  addCrl, addTrustedRoots, listCrls, listTrustedRoots, removeCrl, removeTrustedRoot, type CrlView, type TrustedRootView,
} from '../../pki/trust-store.js';
import { knownCas } from '../../pki/known-cas.js';
import { rootInUseCheck } from '../../pki/trust-dependents.js';
import type { OpenNode } from '../../services/node.js';
import { errors, noContent, type Same } from '../route-schema.js';

const fileBody = z.object({ data: z.string().min(1, 'the file content (base64) is required') }).strict();
const params = z.object({ id: z.string() });
const forceQuery = z.object({ force: z.enum(['true', 'false']).optional().describe('true: remove a root that serving certificates need') }).strict();

// What the routes answer, field by field (`checks` fails to compile if the views change).
const rootView = z.object({ thumbprint: z.string(), subject: z.string(), notAfter: z.string(), addedAt: z.string() }).meta({ id: 'TrustedRoot' });
const crlView = z.object({
  fingerprint: z.string(), issuer: z.string(), thisUpdate: z.string(), nextUpdate: z.string().nullable(), revokedCount: z.number().int(), addedAt: z.string(),
}).meta({ id: 'Crl' });
const checks: [Same<z.output<typeof rootView>, TrustedRootView>, Same<z.output<typeof crlView>, CrlView>] = [true, true];
void checks;

export function registerTrustRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const tags = ['Trusted roots and CRLs'];
  app.get('/api/trust', { schema: { tags, summary: 'List the trusted roots', response: { 200: z.array(rootView), ...errors() } } }, async () => listTrustedRoots(db));
  app.post('/api/trust', { schema: { tags, summary: 'Add trusted roots (a PEM/DER/PKCS#7 file, base64)', body: fileBody, response: { 201: z.array(rootView), ...errors(409) } } },
    async (req, reply) => reply.code(201).send(await addTrustedRoots(db, req.actor, Buffer.from(req.body.data, 'base64'))));
  app.delete('/api/trust/:id', {
    schema: { tags, summary: 'Remove a trusted root (409 while a serving certificate chains to it, unless force=true)', params, querystring: forceQuery, response: { 204: noContent, ...errors(404, 409) } },
  }, async (req, reply) => {
      await removeTrustedRoot(db, req.actor, normaliseThumbprint(req.params.id), rootInUseCheck(db, { force: req.query.force === 'true' }));
      return reply.code(204).send();
    });
  app.get('/api/trust/crls', { schema: { tags, summary: 'List the CRLs', response: { 200: z.array(crlView), ...errors() } } }, async () => listCrls(db));
  app.post('/api/trust/crls', { schema: { tags, summary: 'Add a CRL (base64), verified by a known CA', body: fileBody, response: { 201: crlView, ...errors() } } },
    async (req, reply) => {
      const data = Buffer.from(req.body.data, 'base64');
      const cas = await knownCas(db, await listRecords(db));
      return reply.code(201).send(await addCrl(db, req.actor, data, cas));
    });
  app.delete('/api/trust/crls/:id', { schema: { tags, summary: 'Remove a CRL', params, response: { 204: noContent, ...errors(404) } } },
    async (req, reply) => {
      await removeCrl(db, req.actor, normaliseThumbprint(req.params.id));
      return reply.code(204).send();
    });
}
