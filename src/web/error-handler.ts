// Turns errors into answers: a full disk under the store is 507 DISK_FULL (store/disk-full.ts);
// an OpenUmError keeps its code and answers its API message; a
// validation error (a route's zod schema, or a handler's own parse) is a 400 naming the field;
// anything else is a 500 that says nothing more and is logged whole.
import type { AdminApp } from './app-type.js';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isOpenUmError } from '../errors.js';
import { countDiskFull } from '../services/ops/admin-metrics.js';
import { asDiskFull } from '../store/disk-full.js';
import { isAppPage, uiRoot } from './static-app.js';
import { isConnectionError, RETRY_AFTER_STORE_SECONDS } from '../store/store-health.js';
import { storeUnavailableError } from './store-outage.js';

export function registerErrorHandler(app: AdminApp, log: Logger): void {
  app.setErrorHandler((caught, request, reply) => {
    // A full disk under the store (SQLITE_FULL, ENOSPC, PostgreSQL 53100), also when wrapped: 507 DISK_FULL.
    const error = asDiskFull(caught) ?? caught;
    if (isOpenUmError(error) && error.code === 'DISK_FULL') {
      countDiskFull();
      log.warn({ url: request.url, method: request.method }, 'a change was refused: the disk of the data directory is full');
    }
    if (isOpenUmError(error)) {
      return reply.code(error.httpStatus).send({ error: error.code, message: error.apiMessage });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const path = first?.instancePath.slice(1).replaceAll('/', '.');
      const where = path || (error.validationContext === 'body' || !error.validationContext ? 'body' : error.validationContext);
      return reply.code(400).send({ error: 'BAD_ARGUMENT', message: `${where}: ${first?.message ?? 'invalid'}` });
    }
    if (error instanceof ZodError) {
      const first = error.issues[0];
      const where = first?.path.length ? first.path.join('.') : 'body';
      return reply.code(400).send({ error: 'BAD_ARGUMENT', message: `${where}: ${first?.message ?? 'invalid'}` });
    }
    if (isConnectionError(error)) {
      // The store went away under this request (store-outage.ts answers the next ones at once).
      const e = storeUnavailableError();
      log.warn({ err: error, url: request.url }, 'admin API request failed: the store cannot be reached');
      return reply.code(e.httpStatus).header('retry-after', String(RETRY_AFTER_STORE_SECONDS)).send({ error: e.code, message: e.apiMessage });
    }
    const status = (error as { statusCode?: number }).statusCode;
    // A JSON (or other fastify-parsed) body over the route's bodyLimit.
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? 0;
      return reply.code(413).header('connection', 'close').send({
        error: 'TOO_LARGE',
        message: `the request body is over ${Math.round(limit / (1024 * 1024))} MB; an audio upload goes as the WAV bytes (Content-Type: audio/wav), up to 100 MB`,
      });
    }
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'BAD_ARGUMENT', message: (error as Error).message });
    }
    log.error({ err: error, url: request.url }, 'admin API request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: 'internal error; the server log has the details' });
  });
  app.setNotFoundHandler((request, reply) => {
    const root = uiRoot();
    if (root && isAppPage(request)) return reply.header('cache-control', 'no-cache').sendFile('index.html', root);
    return reply.code(404).send({ error: 'UNKNOWN_COMMAND', message: `no route ${request.method} ${request.url}` });
  });
}
