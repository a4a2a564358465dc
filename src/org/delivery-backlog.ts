// The voice-mail delivery queue as an operator sees it: how many messages and missed-call notices
// wait to be sent by SMTP from this server, and since when (GET /metrics, `openum status`).
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface DeliveryBacklog {
  pending: number;
  /** received_at of the oldest pending message; null when none waits. */
  oldest: string | null;
}

export async function deliveryBacklog(db: Kysely<Database>, serverName: string): Promise<DeliveryBacklog> {
  const row = await db.selectFrom('voice_messages')
    .select((eb) => [eb.fn.countAll<number | string | bigint>().as('n'), eb.fn.min('received_at').as('oldest')])
    .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending').where('server_name', '=', serverName)
    .executeTakeFirst();
  return { pending: Number(row?.n ?? 0), oldest: (row?.oldest as string | null | undefined) ?? null };
}
