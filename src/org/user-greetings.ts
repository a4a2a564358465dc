// A user's own voice-mail greeting (the seeds' personal greeting) and recorded name: 8 kHz mono
// 16-bit PCM WAV, kept in the store's audio table (store/audio/table-audio-store.ts) so every node
// plays them and routing lookups never load audio. The UM worker plays the greeting before
// recording; without one it plays the system greeting. The directory and the auto attendant say
// the recorded name; without one they spell the extension. Conversion from what the
// administrator uploads happens before this (services/voicemail/greeting-audio.ts).
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { greetingKey, recordedNameKey } from '../store/audio/audio-store.js';
import { TableAudioStore } from '../store/audio/table-audio-store.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { getUser } from './users.js';

export interface Greeting {
  wav: Buffer;
  durationMs: number;
}

export type UserAudioKind = 'greeting' | 'name';

/** At most this long (the seeds: a personal greeting of up to 5 minutes). */
export const MAX_GREETING_MS = 5 * 60_000;
/** A recorded name is a name: 10 seconds is plenty (Exchange allows a few seconds too). */
export const MAX_RECORDED_NAME_MS = 10_000;

const keyOf = (kind: UserAudioKind, userId: number) => (kind === 'greeting' ? greetingKey(userId) : recordedNameKey(userId));
const label = (kind: UserAudioKind) => (kind === 'greeting' ? 'greeting' : 'recorded name');

/** 8 kHz mono 16-bit: 16 bytes a millisecond after the canonical 44-byte header. */
const durationOf = (wav: Buffer): number => Math.max(0, Math.round((wav.length - 44) / 16));

export async function getUserAudio(db: Kysely<Database>, kind: UserAudioKind, userId: number): Promise<Greeting | undefined> {
  const wav = await new TableAudioStore(db).get(keyOf(kind, userId));
  return wav ? { wav, durationMs: durationOf(wav) } : undefined;
}

export async function setUserAudio(db: Kysely<Database>, actor: Actor, kind: UserAudioKind, userName: string, audio: Greeting): Promise<{ user: string; durationMs: number; bytes: number }> {
  const max = kind === 'greeting' ? MAX_GREETING_MS : MAX_RECORDED_NAME_MS;
  if (audio.durationMs > max) {
    throw new OpenUmError('BAD_AUDIO', `the ${label(kind)} lasts ${(audio.durationMs / 1000).toFixed(1)} s; a ${label(kind)} may last at most ${max >= 60_000 ? `${max / 60_000} minutes` : `${max / 1000} seconds`}: record a shorter one`);
  }
  const user = await getUser(db, userName);
  const durationMs = Math.round(audio.durationMs);
  await mutate(db, actor, { action: `user.${kind}.set`, target: user.name }, async (trx) => {
    await new TableAudioStore(trx).put(keyOf(kind, user.id), audio.wav);
    return { result: undefined, details: { durationMs, bytes: audio.wav.length } };
  });
  return { user: user.name, durationMs, bytes: audio.wav.length };
}

/** Removes a user's greeting or recorded name; false when there was none. */
export async function clearUserAudio(db: Kysely<Database>, actor: Actor, kind: UserAudioKind, userName: string): Promise<boolean> {
  const user = await getUser(db, userName);
  if (!(await getUserAudio(db, kind, user.id))) return false;
  await mutate(db, actor, { action: `user.${kind}.clear`, target: user.name }, async (trx) => {
    await new TableAudioStore(trx).delete(keyOf(kind, user.id));
    return { result: undefined, details: {} };
  });
  return true;
}

/** The user's greeting, or undefined when the system greeting plays. */
export const getGreeting = (db: Kysely<Database>, userId: number) => getUserAudio(db, 'greeting', userId);
/** Stores (or replaces) a user's greeting; `greeting.wav` must already be 8 kHz mono 16-bit. */
export const setGreeting = (db: Kysely<Database>, actor: Actor, userName: string, greeting: Greeting) => setUserAudio(db, actor, 'greeting', userName, greeting);
/** Removes a user's greeting (the system greeting plays again); false when there was none. */
export const clearGreeting = (db: Kysely<Database>, actor: Actor, userName: string) => clearUserAudio(db, actor, 'greeting', userName);
