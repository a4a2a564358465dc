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

const params = z.object({ name: z.string() });
const inviteBody = z.object({ email: z.boolean('email must be true or false').optional() }).strict();
const empty = z.object({}).strict();
const newAdmin = z.object({ name: z.string('name is required').min(1, 'name is required'), password: z.string('password is required') }).strict();
const passwordBody = z.object({ password: z.string('password is required') }).strict();

export function registerAccountRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const name = (req: { params: unknown }) => params.parse(req.params).name;

  app.post('/api/users/:name/invite', async (req, reply) => {
    const body = inviteBody.parse(req.body ?? {});
    return reply.code(201).send(await inviteUser(node, req.actor, name(req), { email: body.email ?? true, log: req.log as never }));
  });
  app.get('/api/users/:name/web', async (req) => webAccountStatus(db, await getUser(db, name(req))));
  app.post('/api/users/:name/web/unlock', async (req) => {
    empty.parse(req.body ?? {});
    return unlockWebAccount(db, req.actor, name(req));
  });

  app.get('/api/admins', async () => listAdminAccounts(db));
  app.post('/api/admins', async (req, reply) => {
    const body = newAdmin.parse(req.body ?? {});
    return reply.code(201).send(await createAdminAccount(db, req.actor, body.name, body.password));
  });
  app.put('/api/admins/:name/password', async (req) => setAdminPassword(db, req.actor, name(req), passwordBody.parse(req.body ?? {}).password));
  app.delete('/api/admins/:name', async (req, reply) => {
    await removeAdminAccount(db, req.actor, name(req));
    return reply.code(204).send();
  });
}
