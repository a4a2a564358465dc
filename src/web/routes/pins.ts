// /api/users/:name/pin: a user's PIN, with the same rules and messages as `openum user pin …`.
// PUT sets it ({ pin, mustChange? }); POST …/reset answers the new random PIN once; POST
// …/unlock unlocks a mailbox locked after too many wrong PINs; GET shows the state, never the PIN.
import { z } from 'zod';
import { getPinStatus, resetPin, setPin, unlockPin, type PinStatus } from '../../org/user-pins.js';
import type { OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { errors, nameParams, type Same } from '../route-schema.js';

const putPin = z.object({ pin: z.string('pin must be a string of digits'), mustChange: z.boolean().optional() }).strict();
const empty = z.object({}).strict();

// What the routes answer, field by field (`same` fails to compile if PinStatus changes).
const pinStatus = z.object({
  user: z.string(), isSet: z.boolean(), mustChange: z.boolean(), setAt: z.string().nullable(),
  expiresAt: z.string().nullable().describe('When the PIN must change by the policy\'s lifetime; null: never (or no PIN)'),
  failures: z.number().int().describe('Wrong PINs since the last good logon or reset'),
  attempts: z.number().int().describe('Wrong PINs since the last good logon'),
  locked: z.boolean(), policy: z.string(),
}).meta({ id: 'PinStatus' });
const same: Same<z.output<typeof pinStatus>, PinStatus> = true;
void same;

export function registerPinRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const tags = ['PINs'];
  const params = nameParams;

  app.get('/api/users/:name/pin', { schema: { tags, summary: 'A user\'s PIN state (never the PIN)', params, response: { 200: pinStatus, ...errors(404) } } },
    async (req) => getPinStatus(db, req.params.name));
  app.put('/api/users/:name/pin', { schema: { tags, summary: 'Set a user\'s PIN', params, body: putPin, response: { 200: pinStatus, ...errors(404) } } },
    async (req) => setPin(db, req.actor, req.params.name, req.body.pin, { mustChange: req.body.mustChange ?? true }));
  app.post('/api/users/:name/pin/reset', { schema: { tags, summary: 'Reset a user\'s PIN: the new PIN is in the answer, once', params, body: empty, response: { 200: pinStatus.extend({ pin: z.string().describe('The new PIN, shown this once') }), ...errors(404) } } },
    async (req) => {
      const { pin, status } = await resetPin(db, req.actor, req.params.name);
      return { ...status, pin };
    });
  app.post('/api/users/:name/pin/unlock', { schema: { tags, summary: 'Unlock a mailbox locked by wrong PINs', params, body: empty, response: { 200: pinStatus, ...errors(404) } } },
    async (req) => unlockPin(db, req.actor, req.params.name));
}
