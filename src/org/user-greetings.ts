// A user's own voice-mail greeting (the seeds' personal greeting): 8 kHz mono 16-bit PCM WAV,
// kept in its own table so routing lookups never load audio. The UM worker plays it before
// recording; without one it plays the system greeting. Conversion from what the administrator
// uploads happens before this (services/voicemail/greeting-audio.ts); here it is stored.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { getUser } from './users.js';

export interface Greeting {
  wav: Buffer;
  durationMs: number;
}

/** At most this long (the seeds: a personal greeting of up to 5 minutes). */
export const MAX_GREETING_MS = 5 * 60_000;

/** The user's greeting, or undefined when the system greeting plays. */
export async function getGreeting(db: Kysely<Database>, userId: number): Promise<Greeting | undefined> {
  const row = await db.selectFrom('user_greetings').select(['wav', 'duration_ms']).where('user_id', '=', userId).executeTakeFirst();
  return row ? { wav: Buffer.from(row.wav), durationMs: Number(row.duration_ms) } : undefined;
}

/** Stores (or replaces) a user's greeting; `greeting.wav` must already be 8 kHz mono 16-bit. */
export async function setGreeting(db: Kysely<Database>, actor: Actor, userName: string, greeting: Greeting): Promise<{ user: string; durationMs: number; bytes: number }> {
  if (greeting.durationMs > MAX_GREETING_MS) {
    throw new OpenUmError('BAD_AUDIO', `the greeting lasts ${(greeting.durationMs / 1000).toFixed(1)} s; a greeting may last at most ${MAX_GREETING_MS / 60_000} minutes: record a shorter one`);
  }
  const user = await getUser(db, userName);
  const now = new Date().toISOString();
  await mutate(db, actor, { action: 'user.greeting.set', target: user.name }, async (trx) => {
    await trx.deleteFrom('user_greetings').where('user_id', '=', user.id).execute();
    await trx.insertInto('user_greetings').values({ user_id: user.id, wav: greeting.wav, duration_ms: Math.round(greeting.durationMs), updated_at: now }).execute();
    return { result: undefined, details: { durationMs: Math.round(greeting.durationMs), bytes: greeting.wav.length } };
  });
  return { user: user.name, durationMs: Math.round(greeting.durationMs), bytes: greeting.wav.length };
}

/** Removes a user's greeting (the system greeting plays again); false when there was none. */
export async function clearGreeting(db: Kysely<Database>, actor: Actor, userName: string): Promise<boolean> {
  const user = await getUser(db, userName);
  const had = await getGreeting(db, user.id);
  if (!had) return false;
  await mutate(db, actor, { action: 'user.greeting.clear', target: user.name }, async (trx) => {
    await trx.deleteFrom('user_greetings').where('user_id', '=', user.id).execute();
    return { result: undefined, details: {} };
  });
  return true;
}
