// Turns errors into answers: an OpenUmError keeps its code and answers its API message; a
// validation error (a route's zod schema, or a handler's own parse) is a 400 naming the field;
// anything else is a 500 that says nothing more and is logged whole.
import type { AdminApp } from './app-type.js';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isOpenUmError } from '../errors.js';
import { isAppPage, uiRoot } from './static-app.js';
import { isConnectionError, RETRY_AFTER_STORE_SECONDS } from '../store/store-health.js';
import { storeUnavailableError } from './store-outage.js';

export function registerErrorHandler(app: AdminApp, log: Logger): void {
  app.setErrorHandler((error, request, reply) => {
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
