// The fastify instance type of the admin API (HTTPS server, pino logger), for route modules.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

export type AdminApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>;
