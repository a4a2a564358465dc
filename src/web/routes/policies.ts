// /api/policies: UM mailbox policies, with the same rules and messages as `openum policy …`.
import { z } from 'zod';
import { createPolicy, getPolicy, listPolicies, removePolicy, setPolicy } from '../../org/mailbox-policies.js';
import type { OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';

const num = z.union([z.number().int(), z.string()]);
const bool = z.union([z.boolean(), z.string()]);
const fields = {
  minPinLength: num.optional(), pinLifetimeDays: num.optional(), pinHistoryCount: num.optional(), allowCommonPatterns: bool.optional(),
  logonFailuresBeforePinReset: num.optional(), maxLogonAttempts: num.optional(), missedCallNotifications: bool.optional(),
};
const newPolicy = z.object({ name: z.string().min(1, 'name is required'), dialPlan: z.string().min(1, 'dialPlan is required'), ...fields }).strict();
const patchPolicy = z.object({ name: z.string().optional(), ...fields }).strict();
const listQuery = z.object({ dialPlan: z.string().optional() }).strict();
const params = z.object({ name: z.string() });

export function registerPolicyRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const name = (req: { params: unknown }) => params.parse(req.params).name;

  app.get('/api/policies', async (req) => listPolicies(db, listQuery.parse(req.query ?? {})));
  app.post('/api/policies', async (req, reply) => {
    const { name: n, ...body } = newPolicy.parse(req.body ?? {});
    return reply.code(201).send(await createPolicy(db, req.actor, n, body));
  });
  app.get('/api/policies/:name', async (req) => getPolicy(db, name(req)));
  app.patch('/api/policies/:name', async (req) => setPolicy(db, req.actor, name(req), patchPolicy.parse(req.body ?? {})));
  app.delete('/api/policies/:name', async (req, reply) => {
    await removePolicy(db, req.actor, name(req));
    return reply.code(204).send();
  });
}
