// Administrators manage web accounts (issue 9): POST /api/users/:name/invite (a one-time link to
// set a web password, mailed to the user), GET /api/users/:name/web and POST …/web/unlock (a web
// account locked after wrong passwords), and the administrator accounts, /api/admins.
import { z } from 'zod';
import { createAdminAccount, listAdminAccounts, removeAdminAccount, setAdminPassword } from '../../org/admin-accounts.js';
import { getUser } from '../../org/users.js';
import { unlockWebAccount, webAccountStatus } from '../../org/web-passwords.js';
import { inviteUser } from '../../services/accounts/invite.js';
import type { OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { errors, nameParams, noContent } from '../route-schema.js';
import { adminAccountView, inviteView, webAccountView } from './account-views.js';

const inviteBody = z.object({ email: z.boolean('email must be true or false').optional().describe('Mail the link to the user (default true)') }).strict();
const empty = z.object({}).strict();
const newAdmin = z.object({ name: z.string('name is required').min(1, 'name is required'), password: z.string('password is required') }).strict();
const passwordBody = z.object({ password: z.string('password is required') }).strict();

export function registerAccountRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const params = nameParams;

  const tags = ['Accounts'];
  app.post('/api/users/:name/invite', {
    schema: {
      tags, summary: 'Invite a user to the web services: a one-time link to set a web password (valid 7 days)', params, body: inviteBody,
      response: { 201: inviteView, ...errors(404) },
    },
  }, async (req, reply) => reply.code(201).send(await inviteUser(node, req.actor, req.params.name, { email: req.body.email ?? true, log: req.log as never })));
  app.get('/api/users/:name/web', { schema: { tags, summary: 'A user\'s web account: password set, wrong attempts, locked', params, response: { 200: webAccountView, ...errors(404) } } },
    async (req) => webAccountStatus(db, await getUser(db, req.params.name)));
  app.post('/api/users/:name/web/unlock', {
    schema: { tags, summary: 'Unlock a web account locked after wrong passwords', params, body: empty, response: { 200: webAccountView, ...errors(404) } },
  }, async (req) => unlockWebAccount(db, req.actor, req.params.name));

  app.get('/api/admins', { schema: { tags, summary: 'List the administrator accounts', response: { 200: z.array(adminAccountView), ...errors() } } },
    async () => listAdminAccounts(db));
  app.post('/api/admins', {
    schema: { tags, summary: 'Create an administrator account (a name and a web password)', body: newAdmin, response: { 201: adminAccountView, ...errors(409) } },
  }, async (req, reply) => reply.code(201).send(await createAdminAccount(db, req.actor, req.body.name, req.body.password)));
  app.put('/api/admins/:name/password', {
    schema: { tags, summary: 'Set an administrator\'s password (its sessions are signed out)', params, body: passwordBody, response: { 200: adminAccountView, ...errors(404) } },
  }, async (req) => setAdminPassword(db, req.actor, req.params.name, req.body.password));
  app.delete('/api/admins/:name', { schema: { tags, summary: 'Remove an administrator account', params, response: { 204: noContent, ...errors(404) } } },
    async (req, reply) => {
      await removeAdminAccount(db, req.actor, req.params.name);
      return reply.code(204).send();
    });
}
