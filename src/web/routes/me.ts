// The signed-in user's own settings (issue 9): GET/PATCH /api/me (language, call answering,
// missed-call notifications) and POST /api/me/pin/reset (a new PIN shown once and mailed).
import { z } from 'zod';
import { getPinStatus, resetPin } from '../../org/user-pins.js';
import type { UmUser } from '../../org/organisation-types.js';
import { getUser, setUser } from '../../org/users.js';
import { sendUserMail } from '../../services/accounts/user-mail.js';
import { openMailbox } from '../../services/mailbox/open-mailbox.js';
import type { OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { meOf } from '../auth.js';
import { registerUserAudioRoutes } from './user-audio.js';

const patchMe = z.object({
  language: z.enum(['en', 'it', 'es', 'fr'], 'language must be en, it, es, fr or null (the dial plan\'s)').nullable().optional(),
  callAnswering: z.boolean('callAnswering must be true or false').optional(),
  missedCallNotifications: z.boolean('missedCallNotifications must be true, false or null (the mailbox policy\'s)').nullable().optional(),
}).strict();
const empty = z.object({}).strict();

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

export function registerMeRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const mailbox = openMailbox(node);

  async function meBody(user: UmUser): Promise<MeBody> {
    const [greeting, name, pin] = await Promise.all([
      mailbox.userAudio('greeting', user.id), mailbox.userAudio('name', user.id), getPinStatus(db, user.name),
    ]);
    return {
      name: user.name, displayName: user.displayName, email: user.email, extension: user.extension, dialPlan: user.dialPlanName,
      language: user.language === null ? null : (user.language.slice(0, 2) as MeBody['language']),
      callAnswering: user.callAnswering, missedCallNotifications: user.missedCallNotifications,
      hasGreeting: greeting !== undefined, hasRecordedName: name !== undefined, pinLocked: pin.locked,
    };
  }

  app.get('/api/me', async (req) => meBody(meOf(req)));
  app.patch('/api/me', async (req) => {
    const body = patchMe.parse(req.body ?? {});
    const user = meOf(req);
    if (Object.values(body).every((v) => v === undefined)) return meBody(user);
    return meBody(await setUser(db, req.actor, user.name, body));
  });

  app.post('/api/me/pin/reset', async (req) => {
    empty.parse(req.body ?? {});
    const user = await getUser(db, meOf(req).name);
    const { pin } = await resetPin(db, req.actor, user.name);
    const emailed = await sendUserMail(node, req.log as never, {
      to: user.email,
      subject: 'Your new voice mail PIN',
      text: [`You asked for a new voice mail PIN for extension ${user.extension}.`, '', `Your new PIN is: ${pin}`, '',
        'You will be asked to choose a new PIN the next time you call your mailbox.', ''].join('\n'),
    });
    return { pin, emailed };
  });

  registerUserAudioRoutes(app, mailbox, '/api/me', (req) => meOf(req).name);
}
