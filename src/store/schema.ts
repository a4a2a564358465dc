// Table types for kysely. One query code serves both engines, so every column uses a type both
// SQLite and PostgreSQL store the same way: text for timestamps (ISO 8601, UTC), integer 0/1 for
// booleans, blob/bytea for DER and encrypted key material (a Buffer on both drivers).
import type { ColumnType, Generated } from 'kysely';

/** Integer columns: PostgreSQL's driver hands 64-bit values back as strings. */
type Int = ColumnType<number, number, number>;
type Id = Generated<number>;

/** One row per running node sharing the store (migration 0009; org/nodes.ts). */
export interface NodesTable {
  name: string;
  /** all | callrouter | um */
  roles: string;
  /** Where other nodes' Call Routers reach this node's UM service. */
  sip_host: string;
  um_tcp: Int;
  um_tls: Int;
  calls: Int;
  max_calls: Int;
  version: string;
  pid: Int;
  /** running | draining | stopped */
  state: string;
  started_at: string;
  heartbeat_ms: Int;
}

export interface ServersTable {
  name: string;
  fqdn: string;
  um_startup_mode: string;
  um_max_calls: Int;
  cr_startup_mode: string;
  cr_sip_tcp_port: Int;
  cr_sip_tls_port: Int;
  cr_sip_udp: Int;
  admin_address: string;
  admin_port: Int;
  /** UDP range for RTP/RTCP on the workers (seeds: 1024–65535, changeable). */
  rtp_port_min: ColumnType<number, number | undefined, number>;
  rtp_port_max: ColumnType<number, number | undefined, number>;
  /** Thumbprint of the self-signed certificate made at install (the default for UM/UMCallRouter). */
  install_certificate: string | null;
  /** JSON list of the IP addresses the SIP roles listen on; null: 0.0.0.0 (migration 0008). */
  sip_addresses: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where voice mail is sent by e-mail; null: not configured (messages wait, undelivered). */
  smtp_host: ColumnType<string | null, string | null | undefined, string | null>;
  smtp_port: ColumnType<number, number | undefined, number>;
  /** none | starttls (upgrade when offered) | require-starttls | tls (implicit, port 465) */
  smtp_security: ColumnType<string, string | undefined, string>;
  smtp_from: ColumnType<string | null, string | null | undefined, string | null>;
  /** Recordings shorter than this are missed calls, not messages. */
  min_recording_ms: ColumnType<number, number | undefined, number>;
  created_at: string;
  updated_at: string;
}

export interface CertificatesTable {
  id: Id;
  server_name: string;
  /** SHA-1 of the certificate DER (or of the request DER while pending), upper-case hex. */
  thumbprint: string;
  /** 'certificate' | 'request' */
  kind: string;
  /** Certificate DER, or PKCS#10 DER while the entry is a pending request. */
  der: Buffer;
  /** Further certificates of the chain (DER each), concatenated as a JSON array of base64. */
  chain: string;
  /** AES-256-GCM sealed PKCS#8 DER (pki/key-vault.ts); null when the store has no private key. */
  private_key: Buffer | null;
  exportable: Int;
  friendly_name: string;
  /** 'self-signed' | 'request' | 'import' */
  origin: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceAssignmentsTable {
  server_name: string;
  /** IIS | SMTP | IMAP | POP | UM | UMCallRouter */
  service: string;
  thumbprint: string;
  assigned_at: string;
}

export interface TrustedRootsTable {
  thumbprint: string;
  subject: string;
  der: Buffer;
  added_at: string;
}

export interface CrlsTable {
  id: Id;
  /** SHA-1 of the CRL DER, upper-case hex. */
  fingerprint: string;
  issuer: string;
  this_update: string;
  next_update: string | null;
  der: Buffer;
  added_at: string;
}

export interface AdminTokensTable {
  id: Id;
  name: string;
  /** SHA-256 of the token, hex. Tokens are 256-bit random values, so a plain hash suffices. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AuditLogTable {
  id: Id;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: string;
}

export interface RevisionTable {
  id: Int;
  value: Int;
  changed_at: string;
}

/** Store-wide values: e.g. the master key check value. */
export interface MetaTable {
  key: string;
  value: string;
}

/** A UM dial plan (New-UMDialPlan). */
export interface DialPlansTable {
  id: Id;
  name: string;
  /** TelExtn | E164 | SipName */
  uri_type: string;
  /** Digits in an extension; null only for SipName dial plans that do not set it. */
  extension_length: Int | null;
  /** Unsecured | SIPSecured | Secured */
  voip_security: string;
  country_code: string | null;
  /** The access (pilot) numbers in the order given, as a JSON array of normalised numbers. */
  access_numbers: string;
  default_language: string;
  max_call_minutes: Int;
  max_recording_minutes: Int;
  recording_idle_seconds: Int;
  input_failures: Int;
  logon_failures: Int;
  /** WAV | MP3 */
  audio_codec: string;
  /** Outdialing rules (Play on Phone): JSON array of patterns ("9XXXXXXXXX"); null = the plan's own extensions. */
  outdial_allowed: string | null;
  created_at: string;
  updated_at: string;
}

/** One access number per row: unique across dial plans, and the pilot lookup's index. */
export interface DialPlanAccessNumbersTable {
  number: string;
  dial_plan_id: Int;
}

/** A UM IP gateway (New-UMIPGateway): a PBX, IP-PBX or SBC peer. */
export interface IpGatewaysTable {
  id: Id;
  name: string;
  /** Canonical IPv4/IPv6 text or lower-case FQDN. */
  address: string;
  /** ipv4 | ipv6 | fqdn */
  address_kind: string;
  port: Int;
  /** Enabled | Disabled | NoNewCalls */
  status: string;
  outcalls_allowed: Int;
  mwi_allowed: Int;
  /** IPv4Only | IPv6Only | Any */
  ip_family: string;
  created_at: string;
  updated_at: string;
}

/** A UM hunt group: links a gateway (and a pilot identifier) to a dial plan. */
export interface HuntGroupsTable {
  id: Id;
  name: string;
  gateway_id: Int;
  dial_plan_id: Int;
  /** '' matches any call. */
  pilot_identifier: string;
  created_at: string;
  updated_at: string;
}

/** A UM-enabled mailbox. */
export interface UsersTable {
  id: Id;
  name: string;
  display_name: string;
  extension: string;
  /** sip:user@host, lower-case. */
  sip_uri: string | null;
  /** Lower-case. */
  email: string;
  dial_plan_id: Int;
  um_enabled: Int;
  /** The user's mailbox policy (mailbox_policies.id); null only between a migration's steps. */
  policy_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** 1: UM answers calls diverted to the user; 0: they are refused (0007-web-accounts). */
  call_answering: ColumnType<number, number | undefined, number>;
  /** null: the mailbox policy's setting; 0/1: the user's own. */
  missed_call_notifications: ColumnType<number | null, number | null | undefined, number | null>;
  /** null: the dial plan's default language. */
  language: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

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

/** A UM mailbox policy (UMMailboxPolicy): PIN rules and logon limits; see migrations/0004. */
export interface MailboxPoliciesTable {
  id: Id;
  name: string;
  dial_plan_id: Int;
  /** 1 for the dial plan's default policy (made with the dial plan). */
  is_default: Int;
  min_pin_length: Int;
  /** 0: PINs never expire. */
  pin_lifetime_days: Int;
  pin_history_count: Int;
  allow_common_patterns: Int;
  logon_failures_before_pin_reset: Int;
  max_logon_attempts: Int;
  missed_call_notifications: Int;
  created_at: string;
  updated_at: string;
}

/** A user's PIN: scrypt$N$r$p$salt$hash (base64url), never the PIN itself. */
export interface UserPinsTable {
  user_id: Int;
  pin_hash: string;
  /** The previous hashes, newest first, as a JSON array (the policy's PIN history). */
  history: string;
  must_change: Int;
  set_at: string;
  /** Wrong PINs since the last good logon or reset (resets the PIN at the policy's limit). */
  failures: Int;
  /** Wrong PINs since the last good logon (locks the mailbox at the policy's limit). */
  attempts: Int;
  locked: Int;
  updated_at: string;
}

/** The message counts last sent in an MWI NOTIFY, per user. */
export interface MwiStateTable {
  user_id: Int;
  unread: Int;
  read: Int;
  notified_at: string;
}

/** An auto attendant (New-UMAutoAttendant); see migrations/0005-auto-attendants.ts. */
export interface AutoAttendantsTable {
  id: Id;
  name: string;
  dial_plan_id: Int;
  enabled: Int;
  time_zone: string;
  /** JSON [{start, end}] in minutes from Sunday 00:00 (end < start wraps over the week's end). */
  business_hours: string;
  operator_extension: string | null;
  dial_by_extension: Int;
  /** off | LastName | FirstName */
  dial_by_name: string;
  language: string | null;
  created_at: string;
  updated_at: string;
}

/** An auto attendant's pilot number, unique in its dial plan. */
export interface AutoAttendantNumbersTable {
  number: string;
  dial_plan_id: Int;
  auto_attendant_id: Int;
}

export interface AutoAttendantHolidaysTable {
  id: Id;
  auto_attendant_id: Int;
  name: string;
  start_date: string;
  end_date: string;
}

/** Key 1-9 of the business-hours or after-hours menu. */
export interface AutoAttendantKeysTable {
  auto_attendant_id: Int;
  hours: string;
  key: string;
  action: string;
  extension: string | null;
  target_auto_attendant_id: Int | null;
  user_id: Int | null;
}

/** Greetings and announcements: 8 kHz mono 16-bit PCM WAV. */
export interface AutoAttendantAudioTable {
  auto_attendant_id: Int;
  slot: string;
  wav: Buffer;
  duration_ms: Int;
  updated_at: string;
}

export interface Database {
  meta: MetaTable;
  servers: ServersTable;
  nodes: NodesTable;
  certificates: CertificatesTable;
  service_assignments: ServiceAssignmentsTable;
  trusted_roots: TrustedRootsTable;
  crls: CrlsTable;
  admin_tokens: AdminTokensTable;
  audit_log: AuditLogTable;
  revision: RevisionTable;
  dial_plans: DialPlansTable;
  dial_plan_access_numbers: DialPlanAccessNumbersTable;
  ip_gateways: IpGatewaysTable;
  hunt_groups: HuntGroupsTable;
  users: UsersTable;
  voice_messages: VoiceMessagesTable;
  mwi_state: MwiStateTable;
  auto_attendants: AutoAttendantsTable;
  auto_attendant_numbers: AutoAttendantNumbersTable;
  auto_attendant_holidays: AutoAttendantHolidaysTable;
  auto_attendant_keys: AutoAttendantKeysTable;
  auto_attendant_audio: AutoAttendantAudioTable;
  audio_objects: AudioObjectsTable;
  mailbox_policies: MailboxPoliciesTable;
  user_pins: UserPinsTable;
  play_on_phone_calls: PlayOnPhoneCallsTable;
  user_web_accounts: UserWebAccountsTable;
  web_invites: WebInvitesTable;
  admin_accounts: AdminAccountsTable;
  web_sessions: WebSessionsTable;
}

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
