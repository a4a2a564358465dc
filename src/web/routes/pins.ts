// /api/users/:name/pin: a user's PIN, with the same rules and messages as `openum user pin …`.
// PUT sets it ({ pin, mustChange? }); POST …/reset answers the new random PIN once; POST
// …/unlock unlocks a mailbox locked after too many wrong PINs; GET shows the state, never the PIN.
import { z } from 'zod';
import { getPinStatus, resetPin, setPin, unlockPin } from '../../org/user-pins.js';
import type { OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';

const params = z.object({ name: z.string() });
const putPin = z.object({ pin: z.string('pin must be a string of digits'), mustChange: z.boolean().optional() }).strict();
const empty = z.object({}).strict();

export function registerPinRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const name = (req: { params: unknown }) => params.parse(req.params).name;

  app.get('/api/users/:name/pin', async (req) => getPinStatus(db, name(req)));
  app.put('/api/users/:name/pin', async (req) => {
    const body = putPin.parse(req.body ?? {});
    return setPin(db, req.actor, name(req), body.pin, { mustChange: body.mustChange ?? true });
  });
  app.post('/api/users/:name/pin/reset', async (req) => {
    empty.parse(req.body ?? {});
    const { pin, status } = await resetPin(db, req.actor, name(req));
    return { ...status, pin };
  });
  app.post('/api/users/:name/pin/unlock', async (req) => {
    empty.parse(req.body ?? {});
    return unlockPin(db, req.actor, name(req));
  });
}
