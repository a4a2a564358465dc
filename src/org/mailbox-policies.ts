import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Whether the user's mailbox policy mails missed-call notices (on when the user has none). */
export async function missedCallNotificationsFor(db: Kysely<Database>, userId: number): Promise<boolean> {
  const row = await db.selectFrom('users').leftJoin('mailbox_policies', 'mailbox_policies.id', 'users.policy_id')
    .select('mailbox_policies.missed_call_notifications as n').where('users.id', '=', userId).executeTakeFirst();
  return Number(row?.n ?? 1) === 1;
}
