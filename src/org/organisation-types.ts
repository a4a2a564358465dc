// The UM organisation objects as the rest of the server sees them (plain objects), their allowed
// values, and the mapping from store rows. PostgreSQL hands integers back as strings: Number().
import type { Selectable } from 'kysely';
import type { DialPlansTable, IpGatewaysTable, UsersTable } from '../store/schema.js';
import type { AddressKind } from './addresses.js';

export const URI_TYPES = ['TelExtn', 'E164', 'SipName'] as const;
export const VOIP_SECURITY = ['Unsecured', 'SIPSecured', 'Secured'] as const;
export const LANGUAGES = ['en-US', 'it-IT', 'es-ES', 'fr-FR'] as const;
export const AUDIO_CODECS = ['WAV', 'MP3'] as const;
export const GATEWAY_STATUSES = ['Enabled', 'Disabled', 'NoNewCalls'] as const;
export const IP_FAMILIES = ['IPv4Only', 'IPv6Only', 'Any'] as const;

export type UriType = (typeof URI_TYPES)[number];
export type VoipSecurity = (typeof VOIP_SECURITY)[number];
export type Language = (typeof LANGUAGES)[number];
export type AudioCodec = (typeof AUDIO_CODECS)[number];
export type GatewayStatus = (typeof GATEWAY_STATUSES)[number];
export type IpFamily = (typeof IP_FAMILIES)[number];

export interface DialPlan {
  id: number;
  name: string;
  uriType: UriType;
  /** Digits in an extension (NumberOfDigitsInExtension); null only on a SipName plan that has none. */
  extensionLength: number | null;
  voipSecurity: VoipSecurity;
  countryCode: string | null;
  /** Normalised: +digits / digits, or sip:user@host. */
  accessNumbers: string[];
  defaultLanguage: Language;
  maxCallMinutes: number;
  maxRecordingMinutes: number;
  recordingIdleSeconds: number;
  inputFailuresBeforeDisconnect: number;
  logonFailuresBeforeDisconnect: number;
  audioCodec: AudioCodec;
  /** Outdialing rules (org/outdial-rules.ts): [] = the plan's own extensions only. */
  outdialAllowed: string[];
  createdAt: string;
  updatedAt: string;
}

export interface IpGateway {
  id: number;
  name: string;
  address: string;
  addressKind: AddressKind;
  port: number;
  status: GatewayStatus;
  outcallsAllowed: boolean;
  mwiAllowed: boolean;
  ipAddressFamily: IpFamily;
  createdAt: string;
  updatedAt: string;
}

export interface HuntGroup {
  id: number;
  name: string;
  gatewayId: number;
  gatewayName: string;
  dialPlanId: number;
  dialPlanName: string;
  /** '' answers any call from the gateway. */
  pilotIdentifier: string;
  createdAt: string;
  updatedAt: string;
}

/** A hunt group with its dial plan, as the Call Router uses it. */
export interface HuntGroupRoute extends HuntGroup {
  dialPlan: DialPlan;
}

export interface UmUser {
  id: number;
  name: string;
  displayName: string;
  extension: string;
  /** sip:user@host in lower case. */
  sipUri: string | null;
  email: string;
  dialPlanId: number;
  dialPlanName: string;
  umEnabled: boolean;
  /** The user's mailbox policy (PIN rules, logon limits); null only on a store mid-migration. */
  policyId: number | null;
  policyName: string | null;
  /** Whether UM answers calls diverted to the user (off: the Call Router refuses them with 480). */
  callAnswering: boolean;
  /** The user's own missed-call notification setting; null: the mailbox policy's. */
  missedCallNotifications: boolean | null;
  /** The language of the user's prompts; null: the dial plan's default language. */
  language: Language | null;
  createdAt: string;
  updatedAt: string;
}

export const isSecured = (s: VoipSecurity): boolean => s !== 'Unsecured';

export function toDialPlan(r: Selectable<DialPlansTable>): DialPlan {
  return {
    id: Number(r.id),
    name: r.name,
    uriType: r.uri_type as UriType,
    extensionLength: r.extension_length === null ? null : Number(r.extension_length),
    voipSecurity: r.voip_security as VoipSecurity,
    countryCode: r.country_code,
    accessNumbers: JSON.parse(r.access_numbers) as string[],
    defaultLanguage: r.default_language as Language,
    maxCallMinutes: Number(r.max_call_minutes),
    maxRecordingMinutes: Number(r.max_recording_minutes),
    recordingIdleSeconds: Number(r.recording_idle_seconds),
    inputFailuresBeforeDisconnect: Number(r.input_failures),
    logonFailuresBeforeDisconnect: Number(r.logon_failures),
    audioCodec: r.audio_codec as AudioCodec,
    outdialAllowed: r.outdial_allowed ? JSON.parse(r.outdial_allowed) as string[] : [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toGateway(r: Selectable<IpGatewaysTable>): IpGateway {
  return {
    id: Number(r.id),
    name: r.name,
    address: r.address,
    addressKind: r.address_kind as AddressKind,
    port: Number(r.port),
    status: r.status as GatewayStatus,
    outcallsAllowed: Number(r.outcalls_allowed) === 1,
    mwiAllowed: Number(r.mwi_allowed) === 1,
    ipAddressFamily: r.ip_family as IpFamily,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface HuntGroupRow {
  hunt_group_id: number;
  hunt_group_name: string;
  gateway_id: number;
  gateway_name: string;
  hunt_group_dial_plan_id: number;
  dial_plan_name: string;
  pilot_identifier: string;
  hunt_group_created_at: string;
  hunt_group_updated_at: string;
}

export function toHuntGroup(r: HuntGroupRow): HuntGroup {
  return {
    id: Number(r.hunt_group_id),
    name: r.hunt_group_name,
    gatewayId: Number(r.gateway_id),
    gatewayName: r.gateway_name,
    dialPlanId: Number(r.hunt_group_dial_plan_id),
    dialPlanName: r.dial_plan_name,
    pilotIdentifier: r.pilot_identifier,
    createdAt: r.hunt_group_created_at,
    updatedAt: r.hunt_group_updated_at,
  };
}

export function toUser(r: Selectable<UsersTable> & { dial_plan_name: string; policy_name?: string | null }): UmUser {
  return {
    id: Number(r.id),
    name: r.name,
    displayName: r.display_name,
    extension: r.extension,
    sipUri: r.sip_uri,
    email: r.email,
    dialPlanId: Number(r.dial_plan_id),
    dialPlanName: r.dial_plan_name,
    umEnabled: Number(r.um_enabled) === 1,
    policyId: r.policy_id === null || r.policy_id === undefined ? null : Number(r.policy_id),
    policyName: r.policy_name ?? null,
    callAnswering: Number(r.call_answering ?? 1) === 1,
    missedCallNotifications: r.missed_call_notifications === null || r.missed_call_notifications === undefined ? null : Number(r.missed_call_notifications) === 1,
    language: (r.language ?? null) as Language | null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
