// What the organisation routes answer, field by field, for the OpenAPI document. Each schema is
// checked against the interface it documents (`checks` below fails to compile on any difference),
// so the document cannot drift from what the routes send.
import { z } from 'zod';
import type { MailboxPolicy } from '../../org/mailbox-policies.js';
import {
  AUDIO_CODECS, GATEWAY_STATUSES, IP_FAMILIES, LANGUAGES, URI_TYPES, VOIP_SECURITY,
  type DialPlan, type HuntGroup, type IpGateway, type UmUser,
} from '../../org/organisation-types.js';
import type { Same } from '../route-schema.js';

const int = z.number().int();
const times = { createdAt: z.string(), updatedAt: z.string() };

export const dialPlanView = z.object({
  id: int, name: z.string(), uriType: z.enum(URI_TYPES), extensionLength: int.nullable(), voipSecurity: z.enum(VOIP_SECURITY),
  countryCode: z.string().nullable(), accessNumbers: z.array(z.string()), defaultLanguage: z.enum(LANGUAGES),
  maxCallMinutes: int, maxRecordingMinutes: int, recordingIdleSeconds: int, inputFailuresBeforeDisconnect: int,
  logonFailuresBeforeDisconnect: int, audioCodec: z.enum(AUDIO_CODECS), outdialAllowed: z.array(z.string()), ...times,
}).meta({ id: 'DialPlan' });

export const gatewayView = z.object({
  id: int, name: z.string(), address: z.string(), addressKind: z.enum(['ipv4', 'ipv6', 'fqdn']), port: int,
  status: z.enum(GATEWAY_STATUSES), outcallsAllowed: z.boolean(), mwiAllowed: z.boolean(), ipAddressFamily: z.enum(IP_FAMILIES), ...times,
}).meta({ id: 'IpGateway' });

export const huntGroupView = z.object({
  id: int, name: z.string(), gatewayId: int, gatewayName: z.string(), dialPlanId: int, dialPlanName: z.string(),
  pilotIdentifier: z.string(), ...times,
}).meta({ id: 'HuntGroup' });

export const userView = z.object({
  id: int, name: z.string(), displayName: z.string(), extension: z.string(), sipUri: z.string().nullable(), email: z.string(),
  dialPlanId: int, dialPlanName: z.string(), umEnabled: z.boolean(), policyId: int.nullable(), policyName: z.string().nullable(),
  callAnswering: z.boolean().describe('Off: the Call Router refuses calls for the user with 480'),
  missedCallNotifications: z.boolean().nullable().describe("null: the mailbox policy's setting"),
  language: z.enum(LANGUAGES).nullable().describe("null: the dial plan's default language"), ...times,
}).meta({ id: 'UmUser' });

export const policyView = z.object({
  id: int, name: z.string(), dialPlanId: int, dialPlanName: z.string(), isDefault: z.boolean(), minPinLength: int,
  pinLifetimeDays: int, pinHistoryCount: int, allowCommonPatterns: z.boolean(), logonFailuresBeforePinReset: int,
  maxLogonAttempts: int, missedCallNotifications: z.boolean(), ...times,
}).meta({ id: 'MailboxPolicy' });

const checks: [
  Same<z.output<typeof dialPlanView>, DialPlan>, Same<z.output<typeof gatewayView>, IpGateway>, Same<z.output<typeof huntGroupView>, HuntGroup>,
  Same<z.output<typeof userView>, UmUser>, Same<z.output<typeof policyView>, MailboxPolicy>,
] = [true, true, true, true, true];
void checks;
