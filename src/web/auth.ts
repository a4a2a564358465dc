// Every admin API route needs an administrator token: `Authorization: Bearer oum_…`, except the
// routes whose schema says `security: []` (the OpenAPI document): what the document says is what holds.
import type { FastifyRequest } from 'fastify';
import type { AdminApp } from './app-type.js';
import { OpenUmError } from '../errors.js';
import { verifyAdminToken } from '../services/admin-tokens.js';
import type { OpenNode } from '../services/node.js';
import type { Actor } from '../store/mutation.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

export function registerAuth(app: AdminApp, node: OpenNode): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const security = (request.routeOptions.schema as { security?: unknown[] } | undefined)?.security;
    if (Array.isArray(security) && security.length === 0) return;
    const header = request.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const name = m?.[1] ? await verifyAdminToken(node.store.db, m[1]) : undefined;
    if (!name) {
      throw new OpenUmError('UNAUTHORIZED', 'an administrator token is required: send Authorization: Bearer <token>');
    }
    (request as { actor: Actor }).actor = { name: `api:${name}` };
  });
}
