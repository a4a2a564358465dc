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
import { errors, nameParams, noContent } from '../route-schema.js';
import { dialPlanView, gatewayView, huntGroupView, userView } from './organisation-views.js';

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

const removedGateway = z.object({ removedHuntGroups: z.array(z.string()).describe('The hunt groups removed with it') });

export function registerOrganisationRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const params = nameParams;

  const dp = ['Dial plans'];
  app.get('/api/dialplans', { schema: { tags: dp, summary: 'List the UM dial plans', response: { 200: z.array(dialPlanView), ...errors() } } },
    async () => listDialPlans(db));
  app.post('/api/dialplans', { schema: { tags: dp, summary: 'Create a UM dial plan', body: newDialPlan, response: { 201: dialPlanView, ...errors(404, 409) } } },
    async (req, reply) => {
      const { name: n, ...body } = req.body;
      return reply.code(201).send(await createDialPlan(db, req.actor, n, body));
    });
  app.get('/api/dialplans/:name', { schema: { tags: dp, summary: 'One UM dial plan', params, response: { 200: dialPlanView, ...errors(404) } } },
    async (req) => getDialPlan(db, req.params.name));
  app.patch('/api/dialplans/:name', { schema: { tags: dp, summary: 'Change a UM dial plan', params, body: patchDialPlan, response: { 200: dialPlanView, ...errors(404, 409) } } },
    async (req) => setDialPlan(db, req.actor, req.params.name, req.body));
  app.delete('/api/dialplans/:name', { schema: { tags: dp, summary: 'Remove a UM dial plan (and its mailbox policies)', params, response: { 204: noContent, ...errors(404, 409) } } },
    async (req, reply) => {
      await removeDialPlan(db, req.actor, req.params.name);
      return reply.code(204).send();
    });

  const gw = ['UM IP gateways'];
  app.get('/api/gateways', { schema: { tags: gw, summary: 'List the UM IP gateways', response: { 200: z.array(gatewayView), ...errors() } } },
    async () => listGateways(db));
  app.post('/api/gateways', { schema: { tags: gw, summary: 'Create a UM IP gateway', body: newGateway, response: { 201: gatewayView, ...errors(404, 409) } } },
    async (req, reply) => {
      const { name: n, ...body } = req.body;
      return reply.code(201).send(await createGateway(db, req.actor, n, body));
    });
  app.get('/api/gateways/:name', { schema: { tags: gw, summary: 'One UM IP gateway', params, response: { 200: gatewayView, ...errors(404) } } },
    async (req) => getGateway(db, req.params.name));
  app.patch('/api/gateways/:name', { schema: { tags: gw, summary: 'Change a UM IP gateway', params, body: patchGateway, response: { 200: gatewayView, ...errors(404, 409) } } },
    async (req) => setGateway(db, req.actor, req.params.name, req.body));
  app.delete('/api/gateways/:name', { schema: { tags: gw, summary: 'Remove a UM IP gateway (and its hunt groups)', params, response: { 200: removedGateway, ...errors(404, 409) } } },
    async (req) => removeGateway(db, req.actor, req.params.name));

  const hg = ['UM hunt groups'];
  const querystring = huntGroupQuery;
  app.get('/api/huntgroups', { schema: { tags: hg, summary: 'List the UM hunt groups', querystring, response: { 200: z.array(huntGroupView), ...errors() } } },
    async (req) => listHuntGroups(db, req.query));
  app.post('/api/huntgroups', { schema: { tags: hg, summary: 'Create a UM hunt group', body: newHuntGroup, response: { 201: huntGroupView, ...errors(404, 409) } } },
    async (req, reply) => {
      const { name: n, ...body } = req.body;
      return reply.code(201).send(await createHuntGroup(db, req.actor, n, body));
    });
  app.get('/api/huntgroups/:name', { schema: { tags: hg, summary: 'One UM hunt group (?gateway=G when several gateways use the name)', params, querystring, response: { 200: huntGroupView, ...errors(404) } } },
    async (req) => getHuntGroup(db, req.params.name, req.query.gateway));
  app.patch('/api/huntgroups/:name', { schema: { tags: hg, summary: 'Change a UM hunt group', params, querystring, body: patchHuntGroup, response: { 200: huntGroupView, ...errors(404, 409) } } },
    async (req) => setHuntGroup(db, req.actor, req.params.name, req.query.gateway, req.body));
  app.delete('/api/huntgroups/:name', { schema: { tags: hg, summary: 'Remove a UM hunt group', params, querystring, response: { 204: noContent, ...errors(404) } } },
    async (req, reply) => {
      await removeHuntGroup(db, req.actor, req.params.name, req.query.gateway);
      return reply.code(204).send();
    });

  const us = ['Users'];
  app.get('/api/users', { schema: { tags: us, summary: 'List the UM-enabled users', querystring: userQuery, response: { 200: z.array(userView), ...errors() } } },
    async (req) => listUsers(db, req.query));
  app.post('/api/users', { schema: { tags: us, summary: 'UM-enable a user', body: newUser, response: { 201: userView, ...errors(404, 409) } } },
    async (req, reply) => {
      const { name: n, ...body } = req.body;
      return reply.code(201).send(await createUser(db, req.actor, n, body));
    });
  app.get('/api/users/:name', { schema: { tags: us, summary: 'One user', params, response: { 200: userView, ...errors(404) } } },
    async (req) => getUser(db, req.params.name));
  app.patch('/api/users/:name', { schema: { tags: us, summary: 'Change a user', params, body: patchUser, response: { 200: userView, ...errors(404, 409) } } },
    async (req) => setUser(db, req.actor, req.params.name, req.body));
  app.delete('/api/users/:name', { schema: { tags: us, summary: 'Remove a user and their voice mail', params, response: { 204: noContent, ...errors(404) } } },
    async (req, reply) => {
      await removeUser(db, req.actor, req.params.name, { dataDir: node.dataDir });
      return reply.code(204).send();
    });
}
