// Voice messages, audio kept in the store, MWI state and Play on Phone calls: kysely table types
// (schema.ts says how columns are typed for both engines).
import type { ColumnType } from 'kysely';
import type { Int, Id } from './column-types.js';

/** A voice message (or a missed call) for a user; see migrations/0003-voicemail.ts. */
export interface VoiceMessagesTable {
  id: Id;
  message_key: string;
  server_name: string;
  /** Index of the worker process that recorded it. */
  worker: Int;
  user_id: Int;
  /** The caller's number or SIP URI (From), '' when withheld. */
  caller_id: string;
  /** The caller's display name (From), '' when none. */
  caller_name: string;
  /** The number or URI the call was for (the diverting one, or the dialled extension). */
  called: string;
  call_id: string;
  received_at: string;
  duration_ms: Int;
  audio_path: string;
  /** WAV | MP3 */
  audio_format: string;
  /** recording | stored | missed */
  state: string;
  /** hangup | dtmf | silence | max-duration | max-call | crash | shutdown */
  end_reason: string | null;
  read: Int;
  /** pending | delivered | failed | none */
  delivery: string;
  delivery_attempts: Int;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_error: string | null;
  /** The node sending it now, and until when its claim holds (migration 0010). */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_until: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when deleted by phone: restorable until the call ends, then purged. */
  deleted_at: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

/** Audio kept in the store (store/audio/table-audio-store.ts): greetings and recorded names. */
export interface AudioObjectsTable {
  /** greetings/<user id>.wav, names/<user id>.wav, … (store/audio/audio-store.ts) */
  key: string;
  data: Buffer;
  bytes: Int;
  updated_at: string;
}

/** The message counts last sent in an MWI NOTIFY, per user. */
export interface MwiStateTable {
  user_id: Int;
  unread: Int;
  read: Int;
  notified_at: string;
}

/** A user's lamp to tell: the MWI job any UM node may claim (migrations/0011-mwi-jobs.ts). */
export interface MwiJobsTable {
  user_id: Int;
  /** The counts wanted: the latest, overwritten by each change. */
  unread: Int;
  read: Int;
  revision: Int;
  /** Failed attempts in a row: the back-off. */
  attempts: Int;
  next_attempt_at: string;
  targets: string | null;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

/** A Play on Phone call: queued by the API or CLI, carried by a worker (0006-play-on-phone). */
export interface PlayOnPhoneCallsTable {
  id: Id;
  server_name: string;
  message_id: Int;
  user_id: Int;
  gateway_id: Int;
  number: string;
  /** queued | dialing | ringing | playing | completed | failed | cancelled */
  state: string;
  sip_status: Int | null;
  reason: string | null;
  worker: Int | null;
  cancel_requested: Int;
  created_at: string;
  updated_at: string;
}
