// /api/policies: UM mailbox policies, with the same rules and messages as `openum policy …`.
import { z } from 'zod';
import { createPolicy, getPolicy, listPolicies, removePolicy, setPolicy } from '../../org/mailbox-policies.js';
import type { OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { errors, nameParams, noContent } from '../route-schema.js';
import { policyView } from './organisation-views.js';

const num = z.union([z.number().int(), z.string()]);
const bool = z.union([z.boolean(), z.string()]);
const fields = {
  minPinLength: num.optional(), pinLifetimeDays: num.optional(), pinHistoryCount: num.optional(), allowCommonPatterns: bool.optional(),
  logonFailuresBeforePinReset: num.optional(), maxLogonAttempts: num.optional(), missedCallNotifications: bool.optional(),
};
const newPolicy = z.object({ name: z.string().min(1, 'name is required'), dialPlan: z.string().min(1, 'dialPlan is required'), ...fields }).strict();
const patchPolicy = z.object({ name: z.string().optional(), ...fields }).strict();
const listQuery = z.object({ dialPlan: z.string().optional() }).strict();
export function registerPolicyRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const tags = ['Mailbox policies'];
  const params = nameParams;

  app.get('/api/policies', { schema: { tags, summary: 'List the UM mailbox policies', querystring: listQuery, response: { 200: z.array(policyView), ...errors() } } },
    async (req) => listPolicies(db, req.query));
  app.post('/api/policies', { schema: { tags, summary: 'Create a UM mailbox policy', body: newPolicy, response: { 201: policyView, ...errors(404, 409) } } },
    async (req, reply) => {
      const { name: n, ...body } = req.body;
      return reply.code(201).send(await createPolicy(db, req.actor, n, body));
    });
  app.get('/api/policies/:name', { schema: { tags, summary: 'One UM mailbox policy', params, response: { 200: policyView, ...errors(404) } } },
    async (req) => getPolicy(db, req.params.name));
  app.patch('/api/policies/:name', { schema: { tags, summary: 'Change a UM mailbox policy', params, body: patchPolicy, response: { 200: policyView, ...errors(404, 409) } } },
    async (req) => setPolicy(db, req.actor, req.params.name, req.body));
  app.delete('/api/policies/:name', { schema: { tags, summary: 'Remove a UM mailbox policy', params, response: { 204: noContent, ...errors(404, 409) } } },
    async (req, reply) => {
      await removePolicy(db, req.actor, req.params.name);
      return reply.code(204).send();
    });
}
