// Web accounts, invitations, administrator accounts and browser sessions: kysely table types
// (schema.ts says how columns are typed for both engines).
import type { Int, Id } from './column-types.js';

/** A user's web password and its lockout (0007-web-accounts). */
export interface UserWebAccountsTable {
  user_id: Int;
  /** scrypt$N$r$p$salt$hash (org/pin-hash.ts); null until the user sets one. */
  password_hash: string | null;
  /** Wrong passwords since the last good sign-in (locks at the policy's max logon attempts). */
  attempts: Int;
  locked: Int;
  set_at: string | null;
  updated_at: string;
}

/** A one-time link to set a web password; the token itself is never stored. */
export interface WebInvitesTable {
  id: Id;
  user_id: Int;
  /** SHA-256 of the token, hex. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** An administrator who signs in to the admin center with a password. */
export interface AdminAccountsTable {
  id: Id;
  name: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

/** A signed-in browser (org/web-sessions.ts). */
export interface WebSessionsTable {
  /** SHA-256 of the cookie value, hex. */
  id_hash: string;
  /** user | admin | token (an administrator signed in with an admin token; account_id is the token's id) */
  kind: string;
  account_id: Int;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}
