// Table types for kysely. One query code serves both engines, so every column uses a type both
// SQLite and PostgreSQL store the same way: text for timestamps (ISO 8601, UTC), integer 0/1 for
// booleans, blob/bytea for DER and encrypted key material (a Buffer on both drivers). The tables
// are in one file per area; this one names them for kysely and re-exports them.
import type { MetaTable, ServersTable, NodesTable, RoleRestartsTable, AdminTokensTable, AuditLogTable, RevisionTable } from './server-tables.js';
import type { CertificatesTable, ServiceAssignmentsTable, TrustedRootsTable, CrlsTable } from './pki-tables.js';
import type { DialPlansTable, DialPlanAccessNumbersTable, IpGatewaysTable, HuntGroupsTable, UsersTable, MailboxPoliciesTable, UserPinsTable, AutoAttendantsTable, AutoAttendantNumbersTable, AutoAttendantHolidaysTable, AutoAttendantKeysTable, AutoAttendantAudioTable } from './org-tables.js';
import type { VoiceMessagesTable, AudioObjectsTable, MwiStateTable, MwiJobsTable, PlayOnPhoneCallsTable } from './voicemail-tables.js';
import type { UserWebAccountsTable, WebInvitesTable, AdminAccountsTable, WebSessionsTable } from './web-tables.js';

export type { MetaTable, ServersTable, NodesTable, RoleRestartsTable, AdminTokensTable, AuditLogTable, RevisionTable } from './server-tables.js';
export type { CertificatesTable, ServiceAssignmentsTable, TrustedRootsTable, CrlsTable } from './pki-tables.js';
export type { DialPlansTable, DialPlanAccessNumbersTable, IpGatewaysTable, HuntGroupsTable, UsersTable, MailboxPoliciesTable, UserPinsTable, AutoAttendantsTable, AutoAttendantNumbersTable, AutoAttendantHolidaysTable, AutoAttendantKeysTable, AutoAttendantAudioTable } from './org-tables.js';
export type { VoiceMessagesTable, AudioObjectsTable, MwiStateTable, MwiJobsTable, PlayOnPhoneCallsTable } from './voicemail-tables.js';
export type { UserWebAccountsTable, WebInvitesTable, AdminAccountsTable, WebSessionsTable } from './web-tables.js';

export interface Database {
  meta: MetaTable;
  servers: ServersTable;
  nodes: NodesTable;
  role_restarts: RoleRestartsTable;
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
  mwi_jobs: MwiJobsTable;
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
