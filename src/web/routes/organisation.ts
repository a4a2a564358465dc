// /api/dialplans, /api/gateways, /api/huntgroups, /api/users: the UM organisation objects, with
// the same rules as `openum dialplan|gateway|huntgroup|user …`. Hunt group names are unique per
// gateway: ?gateway=G picks one when several gateways use a name.
import type { AdminApp } from '../app-type.js';
import { z } from 'zod';
import { createDialPlan, getDialPlan, listDialPlans, removeDialPlan, setDialPlan } from '../../org/dial-plans.js';
import { createHuntGroup, getHuntGroup, listHuntGroups, removeHuntGroup, setHuntGroup } from '../../org/hunt-groups.js';
import { createGateway, getGateway, listGateways, removeGateway, setGateway } from '../../org/ip-gateways.js';
import { createUser, getUser, listUsers, removeUser, setUser } from '../../org/users.js';
import type { OpenNode } from '../../services/node.js';

const num = z.union([z.number().int(), z.string()]);
const bool = z.union([z.boolean(), z.string()]);
const name = z.string().min(1, 'name is required');

const dialPlanFields = {
  uriType: z.string().optional(), extensionLength: num.nullable().optional(), voipSecurity: z.string().optional(),
  countryCode: num.nullable().optional(), accessNumbers: z.array(z.string()).optional(), defaultLanguage: z.string().optional(),
  maxCallMinutes: num.optional(), maxRecordingMinutes: num.optional(), recordingIdleSeconds: num.optional(),
  inputFailuresBeforeDisconnect: num.optional(), logonFailuresBeforeDisconnect: num.optional(), audioCodec: z.string().optional(),
  outdialAllowed: z.union([z.string(), z.array(z.string())]).optional(),
};
const newDialPlan = z.object({ name, ...dialPlanFields }).strict();
const patchDialPlan = z.object({ name: z.string().optional(), ...dialPlanFields }).strict();

const gatewayFields = {
  port: num.optional(), status: z.string().optional(), outcallsAllowed: bool.optional(), mwiAllowed: bool.optional(), ipAddressFamily: z.string().optional(),
};
const newGateway = z.object({ name, address: z.string().min(1, 'address is required'), dialPlan: z.string().optional(), ...gatewayFields }).strict();
const patchGateway = z.object({ name: z.string().optional(), address: z.string().optional(), ...gatewayFields }).strict();

const newHuntGroup = z.object({ name, gateway: z.string().min(1), dialPlan: z.string().min(1), pilotIdentifier: z.string().optional() }).strict();
const patchHuntGroup = z.object({ name: z.string().optional(), dialPlan: z.string().optional(), pilotIdentifier: z.string().optional() }).strict();
const huntGroupQuery = z.object({ gateway: z.string().optional() }).strict();

const userFields = {
  displayName: z.string().optional(), sipUri: z.string().nullable().optional(), umEnabled: bool.optional(), policy: z.string().optional(),
  callAnswering: bool.optional(), missedCallNotifications: bool.nullable().optional(), language: z.string().nullable().optional(),
};
const newUser = z.object({ name, extension: num, dialPlan: z.string().min(1), email: z.string().min(1), ...userFields }).strict();
const patchUser = z.object({
  name: z.string().optional(), extension: num.optional(), dialPlan: z.string().optional(), email: z.string().optional(), ...userFields,
}).strict();
const userQuery = z.object({ dialPlan: z.string().optional() }).strict();

const params = z.object({ name: z.string() });

export function registerOrganisationRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const id = (req: { params: unknown }) => params.parse(req.params).name;

  app.get('/api/dialplans', async () => listDialPlans(db));
  app.post('/api/dialplans', async (req, reply) => {
    const { name: n, ...body } = newDialPlan.parse(req.body ?? {});
    return reply.code(201).send(await createDialPlan(db, req.actor, n, body));
  });
  app.get('/api/dialplans/:name', async (req) => getDialPlan(db, id(req)));
  app.patch('/api/dialplans/:name', async (req) => setDialPlan(db, req.actor, id(req), patchDialPlan.parse(req.body ?? {})));
  app.delete('/api/dialplans/:name', async (req, reply) => {
    await removeDialPlan(db, req.actor, id(req));
    return reply.code(204).send();
  });

  app.get('/api/gateways', async () => listGateways(db));
  app.post('/api/gateways', async (req, reply) => {
    const { name: n, ...body } = newGateway.parse(req.body ?? {});
    return reply.code(201).send(await createGateway(db, req.actor, n, body));
  });
  app.get('/api/gateways/:name', async (req) => getGateway(db, id(req)));
  app.patch('/api/gateways/:name', async (req) => setGateway(db, req.actor, id(req), patchGateway.parse(req.body ?? {})));
  app.delete('/api/gateways/:name', async (req) => removeGateway(db, req.actor, id(req)));

  app.get('/api/huntgroups', async (req) => listHuntGroups(db, huntGroupQuery.parse(req.query ?? {})));
  app.post('/api/huntgroups', async (req, reply) => {
    const { name: n, ...body } = newHuntGroup.parse(req.body ?? {});
    return reply.code(201).send(await createHuntGroup(db, req.actor, n, body));
  });
  app.get('/api/huntgroups/:name', async (req) => getHuntGroup(db, id(req), huntGroupQuery.parse(req.query ?? {}).gateway));
  app.patch('/api/huntgroups/:name', async (req) =>
    setHuntGroup(db, req.actor, id(req), huntGroupQuery.parse(req.query ?? {}).gateway, patchHuntGroup.parse(req.body ?? {})));
  app.delete('/api/huntgroups/:name', async (req, reply) => {
    await removeHuntGroup(db, req.actor, id(req), huntGroupQuery.parse(req.query ?? {}).gateway);
    return reply.code(204).send();
  });

  app.get('/api/users', async (req) => listUsers(db, userQuery.parse(req.query ?? {})));
  app.post('/api/users', async (req, reply) => {
    const { name: n, ...body } = newUser.parse(req.body ?? {});
    return reply.code(201).send(await createUser(db, req.actor, n, body));
  });
  app.get('/api/users/:name', async (req) => getUser(db, id(req)));
  app.patch('/api/users/:name', async (req) => setUser(db, req.actor, id(req), patchUser.parse(req.body ?? {})));
  app.delete('/api/users/:name', async (req, reply) => {
    await removeUser(db, req.actor, id(req), { dataDir: node.dataDir });
    return reply.code(204).send();
  });
}
