// Serves the single-page app (ui/, built by `npm run build` into dist/ui) at /: hashed assets
// with a long cache, index.html for any other GET outside /api so that links such as
// /set-password?token=… open the app, and headers that keep the page to its own origin.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminApp } from './app-type.js';

/** dist/src/web → dist/ui (also from src/web under a TypeScript runner: ../../dist/ui). */
export function uiRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [resolve(here, '../../ui'), resolve(here, '../../dist/ui')].find((p) => existsSync(join(p, 'index.html')));
}

// No inline scripts or styles; media from the API and from the microphone (blob:).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export async function registerStaticApp(app: AdminApp): Promise<void> {
  const root = uiRoot();
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    // Invitation links carry a token in the query: never send it on to another site.
    reply.header('referrer-policy', 'no-referrer');
    if (!request.url.startsWith('/api/')) {
      reply.header('content-security-policy', CSP);
      reply.header('x-frame-options', 'DENY');
    }
  });
  if (!root) {
    app.get('/', async (_req, reply) => reply.code(503).type('text/plain').send('The web app is not built: run npm run build (or npm install) and restart openum.\n'));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders: (res, path) => {
      res.header('cache-control', path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const index = (_req: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', root);
  app.get('/', index);
}

/** For the not-found handler: a GET of a page (not /api, wants HTML) gets the app's index.html. */
export function isAppPage(request: FastifyRequest): boolean {
  return request.method === 'GET' && !request.url.startsWith('/api/') && request.url !== '/api' && (request.headers.accept ?? '').includes('text/html') && uiRoot() !== undefined;
}
