// The UM organisation: dial plans, gateways, hunt groups, users, mailbox policies and PINs, auto
// attendants: kysely table types (schema.ts says how columns are typed for both engines).
import type { ColumnType } from 'kysely';
import type { Int, Id } from './column-types.js';

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
