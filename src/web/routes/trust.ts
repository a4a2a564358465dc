// /api/trust: trusted roots and CRLs, as `openum trust …`.
import type { AdminApp } from '../app-type.js';
import { z } from 'zod';
import { listRecords, normaliseThumbprint } from '../../pki/certificate-repository.js';
import { addCrl, addTrustedRoots, listCrls, listTrustedRoots, removeCrl, removeTrustedRoot } from '../../pki/trust-store.js';
import { knownCas } from '../../pki/known-cas.js';
import { requireServer, type OpenNode } from '../../services/node.js';

const fileBody = z.object({ data: z.string().min(1, 'the file content (base64) is required') }).strict();
const params = z.object({ id: z.string() });

export function registerTrustRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  app.get('/api/trust', async () => listTrustedRoots(db));
  app.post('/api/trust', async (req, reply) => reply.code(201).send(await addTrustedRoots(db, req.actor, Buffer.from(fileBody.parse(req.body ?? {}).data, 'base64'))));
  app.delete('/api/trust/:id', async (req, reply) => {
    await removeTrustedRoot(db, req.actor, normaliseThumbprint(params.parse(req.params).id));
    return reply.code(204).send();
  });
  app.get('/api/trust/crls', async () => listCrls(db));
  app.post('/api/trust/crls', async (req, reply) => {
    const data = Buffer.from(fileBody.parse(req.body ?? {}).data, 'base64');
    const cas = await knownCas(db, await listRecords(db, requireServer(node)));
    return reply.code(201).send(await addCrl(db, req.actor, data, cas));
  });
  app.delete('/api/trust/crls/:id', async (req, reply) => {
    await removeCrl(db, req.actor, normaliseThumbprint(params.parse(req.params).id));
    return reply.code(204).send();
  });
}
