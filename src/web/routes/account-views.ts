// What the sign-in, user (/api/me…) and web-account routes answer, field by field, for the
// OpenAPI document. `checks` fails to compile when a schema and the type it documents differ, so
// the document cannot drift from what the routes send.
import { z } from 'zod';
import type { AdminAccount } from '../../org/admin-accounts.js';
import { POP_STATES, type PlayOnPhoneCall } from '../../org/play-on-phone.js';
import type { WebAccountStatus } from '../../org/web-passwords.js';
import type { InviteResult } from '../../services/accounts/invite.js';
import type { Same } from '../route-schema.js';

const int = z.number().int();

export interface SessionBody {
  kind: 'user' | 'admin';
  name: string;
  displayName: string;
  email?: string;
  csrfToken: string;
}
export const sessionView = z.object({
  kind: z.enum(['user', 'admin']).describe('A user (the /api/me routes) or an administrator (the admin routes)'),
  name: z.string(), displayName: z.string(),
  email: z.string().optional().describe('A user\'s e-mail address (absent for an administrator)'),
  csrfToken: z.string().describe('Send it in the x-csrf-token header of every change (POST, PUT, PATCH, DELETE) made with the cookie'),
}).meta({ id: 'Session' });

export interface MeBody {
  name: string;
  displayName: string;
  email: string;
  extension: string;
  dialPlan: string;
  /** en, it, es or fr; null: the dial plan's default language. */
  language: 'en' | 'it' | 'es' | 'fr' | null;
  callAnswering: boolean;
  /** null: the mailbox policy's setting. */
  missedCallNotifications: boolean | null;
  hasGreeting: boolean;
  hasRecordedName: boolean;
  pinLocked: boolean;
}
export const meView = z.object({
  name: z.string(), displayName: z.string(), email: z.string(), extension: z.string(), dialPlan: z.string(),
  language: z.enum(['en', 'it', 'es', 'fr']).nullable().describe('null: the dial plan\'s default language'),
  callAnswering: z.boolean(),
  missedCallNotifications: z.boolean().nullable().describe('null: the mailbox policy\'s setting'),
  hasGreeting: z.boolean(), hasRecordedName: z.boolean(), pinLocked: z.boolean(),
}).meta({ id: 'Me' });

export const newPinView = z.object({
  pin: z.string().describe('The new voice mail PIN, shown this once'),
  emailed: z.boolean().describe('Whether it was also mailed to the user'),
}).meta({ id: 'NewPin' });

export interface MessageBody {
  id: number;
  caller: string;
  callerName: string;
  receivedAt: string;
  durationSec: number;
  read: boolean;
  kind: 'voicemail' | 'missed';
  hasAudio: boolean;
}
export const messageView = z.object({
  id: int, caller: z.string(), callerName: z.string(), receivedAt: z.string().describe('ISO time'), durationSec: int,
  read: z.boolean(), kind: z.enum(['voicemail', 'missed']), hasAudio: z.boolean().describe('false for a missed call'),
}).meta({ id: 'MyVoiceMessage' });
export const messagesView = z.object({ messages: z.array(messageView).describe('Newest first') });

export type MyCallBody = Pick<PlayOnPhoneCall, 'id' | 'state' | 'sipStatus' | 'reason' | 'number'>;
export const myCallView = z.object({
  id: int, state: z.enum(POP_STATES), sipStatus: int.nullable().describe('The SIP status of a failed call, or of the final response'),
  reason: z.string().nullable(), number: z.string(),
}).meta({ id: 'MyPlayOnPhoneCall' });
export const myCallQueued = z.object({ id: int.describe('Follow it with GET /api/me/play-on-phone/{id}') });

export const webAccountView = z.object({
  user: z.string(), passwordSet: z.boolean(), attempts: int.describe('Wrong passwords since the last good sign-in'),
  locked: z.boolean(), maxAttempts: int.describe('The mailbox policy\'s maximum logon attempts'),
}).meta({ id: 'WebAccountStatus' });

export const adminAccountView = z.object({ id: int, name: z.string(), createdAt: z.string(), updatedAt: z.string() }).meta({ id: 'AdminAccount' });

export const inviteView = z.object({
  link: z.string().describe('The one-time link to the page that sets the web password'),
  expiresAt: z.string(), emailed: z.boolean(),
}).meta({ id: 'Invitation' });

const checks: [
  Same<z.output<typeof sessionView>, SessionBody>, Same<z.output<typeof meView>, MeBody>, Same<z.output<typeof messageView>, MessageBody>,
  Same<z.output<typeof myCallView>, MyCallBody>, Same<z.output<typeof webAccountView>, WebAccountStatus>,
  Same<z.output<typeof adminAccountView>, AdminAccount>, Same<z.output<typeof inviteView>, InviteResult>,
] = [true, true, true, true, true, true, true];
void checks;
