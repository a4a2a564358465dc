// UM dial plans (New-/Set-/Get-/Remove-UMDialPlan): how extensions are numbered, the access
// (pilot) numbers, VoIP security, language and the call limits the UM service enforces.
import type { Insertable, Kysely, Transaction } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database, DialPlansTable } from '../store/schema.js';
import { parseAccessNumber } from './addresses.js';
import { refuseAutoAttendantPilots } from './auto-attendant-numbers.js';
import { dialPlanByName, dialPlanQuery } from './organisation-queries.js';
import {
  AUDIO_CODECS, LANGUAGES, toDialPlan, URI_TYPES, VOIP_SECURITY, isSecured, type DialPlan,
} from './organisation-types.js';
import { createDefaultPolicy } from './mailbox-policies.js';
import { refuseUserExtensions } from './number-clashes.js';
import { parseOutdialRules } from './outdial-rules.js';
import { ipGatewaysOfPlan, refuseIpGatewayForSecuredPlan } from './secured-gateway-rule.js';
import { nameList, parseChoice, parseIntIn, parseName } from './values.js';

export interface DialPlanInput {
  uriType?: string;
  extensionLength?: string | number | null;
  voipSecurity?: string;
  countryCode?: string | number | null;
  accessNumbers?: string[];
  defaultLanguage?: string;
  maxCallMinutes?: string | number;
  maxRecordingMinutes?: string | number;
  recordingIdleSeconds?: string | number;
  inputFailuresBeforeDisconnect?: string | number;
  logonFailuresBeforeDisconnect?: string | number;
  audioCodec?: string;
  /** Outdialing rules: "1XXX,9XXXXXXXXX" or a list; '' / [] = the plan's own extensions only. */
  outdialAllowed?: string | string[];
}

export interface DialPlanPatch extends DialPlanInput {
  /** A new name. */
  name?: string;
}

type Settings = Omit<DialPlan, 'id' | 'name' | 'createdAt' | 'updatedAt'>;

const DEFAULTS: Settings = {
  uriType: 'TelExtn', extensionLength: null, voipSecurity: 'Unsecured', countryCode: null, accessNumbers: [],
  defaultLanguage: 'en-US', maxCallMinutes: 30, maxRecordingMinutes: 20, recordingIdleSeconds: 5,
  inputFailuresBeforeDisconnect: 3, logonFailuresBeforeDisconnect: 3, audioCodec: 'WAV', outdialAllowed: [],
};

function apply(base: Settings, i: DialPlanInput): Settings {
  const s = { ...base };
  if (i.uriType !== undefined) s.uriType = parseChoice(i.uriType, URI_TYPES, 'the URI type');
  if (i.extensionLength !== undefined) {
    s.extensionLength = i.extensionLength === null || i.extensionLength === '' ? null
      : parseIntIn(i.extensionLength, 'the number of digits in extensions', 1, 20);
  }
  if (i.voipSecurity !== undefined) s.voipSecurity = parseChoice(i.voipSecurity, VOIP_SECURITY, 'the VoIP security');
  if (i.countryCode !== undefined) {
    const c = i.countryCode === null ? '' : String(i.countryCode).trim().replace(/^\+/, '');
    if (c !== '' && !/^\d{1,4}$/.test(c)) {
      throw new OpenUmError('BAD_SETTING', `the country code must be 1 to 4 digits (got "${i.countryCode}"); write it like 1 or 39`);
    }
    s.countryCode = c === '' ? null : c;
  }
  if (i.accessNumbers !== undefined) s.accessNumbers = [...new Set(i.accessNumbers.map((n) => parseAccessNumber(n)))];
  if (i.defaultLanguage !== undefined) s.defaultLanguage = parseChoice(i.defaultLanguage, LANGUAGES, 'the default language');
  if (i.maxCallMinutes !== undefined) s.maxCallMinutes = parseIntIn(i.maxCallMinutes, 'the maximum call duration (minutes)', 1, 120);
  if (i.maxRecordingMinutes !== undefined) s.maxRecordingMinutes = parseIntIn(i.maxRecordingMinutes, 'the maximum recording duration (minutes)', 1, 100);
  if (i.recordingIdleSeconds !== undefined) s.recordingIdleSeconds = parseIntIn(i.recordingIdleSeconds, 'the recording idle timeout (seconds)', 2, 10);
  if (i.inputFailuresBeforeDisconnect !== undefined) {
    s.inputFailuresBeforeDisconnect = parseIntIn(i.inputFailuresBeforeDisconnect, 'the input failures before disconnect', 1, 20);
  }
  if (i.logonFailuresBeforeDisconnect !== undefined) {
    s.logonFailuresBeforeDisconnect = parseIntIn(i.logonFailuresBeforeDisconnect, 'the logon failures before disconnect', 1, 20);
  }
  if (i.audioCodec !== undefined) s.audioCodec = parseChoice(i.audioCodec, AUDIO_CODECS, 'the audio codec for voice mail');
  if (i.outdialAllowed !== undefined) s.outdialAllowed = parseOutdialRules(i.outdialAllowed);
  if (s.uriType !== 'SipName' && s.extensionLength === null) {
    throw new OpenUmError('BAD_SETTING',
      `a ${s.uriType} dial plan needs the number of digits in extensions (1 to 20)`,
      { cli: '; give it (--extension-length N, extensionLength)', api: '; give it in extensionLength' });
  }
  return s;
}

function toRow(s: Settings): Omit<Insertable<DialPlansTable>, 'id' | 'name' | 'created_at' | 'updated_at'> {
  return {
    uri_type: s.uriType, extension_length: s.extensionLength, voip_security: s.voipSecurity, country_code: s.countryCode,
    access_numbers: JSON.stringify(s.accessNumbers), default_language: s.defaultLanguage, max_call_minutes: s.maxCallMinutes,
    max_recording_minutes: s.maxRecordingMinutes, recording_idle_seconds: s.recordingIdleSeconds,
    input_failures: s.inputFailuresBeforeDisconnect, logon_failures: s.logonFailuresBeforeDisconnect, audio_codec: s.audioCodec,
    outdial_allowed: s.outdialAllowed.length > 0 ? JSON.stringify(s.outdialAllowed) : null,
  };
}

export async function findDialPlan(db: Kysely<Database>, name: string): Promise<DialPlan | undefined> {
  const row = await dialPlanByName(db, name).executeTakeFirst();
  return row ? toDialPlan(row) : undefined;
}

export async function getDialPlan(db: Kysely<Database>, name: string): Promise<DialPlan> {
  const plan = await findDialPlan(db, name);
  if (!plan) throw new OpenUmError('DIAL_PLAN_NOT_FOUND', `no dial plan is named "${name}"`, { cli: "'openum dialplan list' shows them", api: 'GET /api/dialplans lists them' });
  return plan;
}

export async function listDialPlans(db: Kysely<Database>): Promise<DialPlan[]> {
  return (await dialPlanQuery(db).orderBy('dial_plans.name').execute()).map(toDialPlan);
}

async function refuseTakenName(trx: Kysely<Database>, name: string, selfId?: number): Promise<void> {
  const other = await dialPlanByName(trx, name).executeTakeFirst();
  if (other && Number(other.id) !== selfId) {
    throw new OpenUmError('OBJECT_EXISTS', `a dial plan named "${other.name}" already exists; choose another name`);
  }
}

/** Replaces the plan's rows in the access-number index, refusing numbers another plan has. */
async function claimAccessNumbers(trx: Transaction<Database>, planId: number, numbers: string[]): Promise<void> {
  await refuseAutoAttendantPilots(trx, numbers);
  await refuseUserExtensions(trx, planId, numbers, 'access number');
  if (numbers.length > 0) {
    const taken = await trx.selectFrom('dial_plan_access_numbers')
      .innerJoin('dial_plans', 'dial_plans.id', 'dial_plan_access_numbers.dial_plan_id')
      .where('dial_plan_access_numbers.number', 'in', numbers)
      .where('dial_plan_access_numbers.dial_plan_id', '!=', planId)
      .select(['dial_plan_access_numbers.number', 'dial_plans.name'])
      .executeTakeFirst();
    if (taken) {
      throw new OpenUmError('OBJECT_EXISTS',
        `the access number ${taken.number} already belongs to the dial plan "${taken.name}"; an access number identifies one dial plan, so remove it there first or choose another`);
    }
  }
  await trx.deleteFrom('dial_plan_access_numbers').where('dial_plan_id', '=', planId).execute();
  if (numbers.length > 0) {
    await trx.insertInto('dial_plan_access_numbers').values(numbers.map((number) => ({ number, dial_plan_id: planId }))).execute();
  }
}

export async function createDialPlan(db: Kysely<Database>, actor: Actor, name: string, input: DialPlanInput = {}): Promise<DialPlan> {
  const planName = parseName(name, 'dial plan');
  const s = apply(DEFAULTS, input);
  const now = new Date().toISOString();
  await mutate(db, actor, { action: 'dialplan.create', target: planName }, async (trx) => {
    await refuseTakenName(trx, planName);
    const row = await trx.insertInto('dial_plans').values({ name: planName, ...toRow(s), created_at: now, updated_at: now })
      .returning('id').executeTakeFirstOrThrow();
    await claimAccessNumbers(trx, Number(row.id), s.accessNumbers);
    const policy = await createDefaultPolicy(trx, Number(row.id), planName);
    return { result: undefined, details: { ...s, defaultPolicyId: policy } };
  });
  return getDialPlan(db, planName);
}

export async function setDialPlan(db: Kysely<Database>, actor: Actor, name: string, patch: DialPlanPatch): Promise<DialPlan> {
  const { name: rename, ...input } = patch;
  if (rename === undefined && Object.values(input).every((v) => v === undefined)) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change', { cli: ': give at least one setting (see openum dialplan --help)', api: ': give at least one field' });
  }
  const current = await getDialPlan(db, name);
  const newName = rename === undefined ? current.name : parseName(rename, 'dial plan');
  const s = apply(current, input);
  await mutate(db, actor, { action: 'dialplan.set', target: current.name }, async (trx) => {
    if (newName !== current.name) await refuseTakenName(trx, newName, current.id);
    if (isSecured(s.voipSecurity) && !isSecured(current.voipSecurity)) {
      for (const gw of await ipGatewaysOfPlan(trx, current.id)) {
        refuseIpGatewayForSecuredPlan(gw, { name: current.name, voipSecurity: s.voipSecurity },
          {
            cli: `openum gateway set ${gw.name} --address <gateway FQDN>, then set the VoIP security again`,
            api: `PATCH /api/gateways/${gw.name} { address: <gateway FQDN> }, then set voipSecurity again`,
          });
      }
    }
    await refuseUnfitUsers(trx, current, s);
    if (input.accessNumbers !== undefined) await claimAccessNumbers(trx, current.id, s.accessNumbers);
    await trx.updateTable('dial_plans').set({ name: newName, ...toRow(s), updated_at: new Date().toISOString() })
      .where('id', '=', current.id).execute();
    return { result: undefined, details: { before: current, after: { name: newName, ...s } } };
  });
  return getDialPlan(db, newName);
}

/** Users whose extension length or missing SIP URI no longer fits the changed plan. */
async function refuseUnfitUsers(trx: Kysely<Database>, current: DialPlan, s: Settings): Promise<void> {
  const users = await trx.selectFrom('users').select(['name', 'extension', 'sip_uri'])
    .where('dial_plan_id', '=', current.id).orderBy('name').execute();
  const length = s.extensionLength;
  const wrong = length === null ? [] : users.filter((u) => u.extension.length !== length);
  if (wrong.length > 0) {
    throw new OpenUmError('OBJECT_IN_USE',
      `the dial plan "${current.name}" cannot have ${length}-digit extensions: the users ${nameList(wrong.map((u) => u.name))} have extensions of another length; change their extensions first`,
      { cli: ' (openum user set NAME --extension N)', api: ' (PATCH /api/users/{name} { extension })' });
  }
  const noSip = s.uriType === 'SipName' ? users.filter((u) => u.sip_uri === null) : [];
  if (noSip.length > 0) {
    throw new OpenUmError('OBJECT_IN_USE',
      `the dial plan "${current.name}" cannot become SipName: the users ${nameList(noSip.map((u) => u.name))} have no SIP URI; give them one first`,
      { cli: ' (openum user set NAME --sip-uri sip:user@domain)', api: ' (PATCH /api/users/{name} { sipUri })' });
  }
}

export async function removeDialPlan(db: Kysely<Database>, actor: Actor, name: string): Promise<void> {
  const plan = await getDialPlan(db, name);
  await mutate(db, actor, { action: 'dialplan.remove', target: plan.name }, async (trx) => {
    const groups = await trx.selectFrom('hunt_groups').innerJoin('ip_gateways', 'ip_gateways.id', 'hunt_groups.gateway_id')
      .where('hunt_groups.dial_plan_id', '=', plan.id).select(['hunt_groups.name', 'ip_gateways.name as gateway'])
      .orderBy('ip_gateways.name').orderBy('hunt_groups.name').execute();
    const users = await trx.selectFrom('users').where('dial_plan_id', '=', plan.id).select('name').orderBy('name').execute();
    const attendants = await trx.selectFrom('auto_attendants').where('dial_plan_id', '=', plan.id).select('name').orderBy('name').execute();
    if (groups.length > 0 || users.length > 0 || attendants.length > 0) {
      // The CLI and the API name the fixes in their own words, in the middle of the sentence.
      const inUse = (aaFix: string) => [
        ...(groups.length > 0 ? [`the hunt groups ${nameList(groups.map((g) => `${g.gateway}/${g.name}`))} (gateway/hunt group)`] : []),
        ...(users.length > 0 ? [`the users ${nameList(users.map((u) => u.name))}`] : []),
        ...(attendants.length > 0 ? [`the auto attendants ${nameList(attendants.map((a) => a.name))} (${aaFix})`] : []),
      ].join(' and ');
      throw new OpenUmError('OBJECT_IN_USE', `the dial plan "${plan.name}" is in use by`, {
        cli: ` ${inUse('openum autoattendant remove NAME')}; remove them or move them to another dial plan first (openum huntgroup remove NAME --gateway G, openum user set NAME --dial-plan OTHER)`,
        api: ` ${inUse('DELETE /api/autoattendants/{name}')}; remove them or move them to another dial plan first (DELETE /api/huntgroups/{name}?gateway=G, PATCH /api/users/{name} { dialPlan })`,
      });
    }
    await trx.deleteFrom('dial_plan_access_numbers').where('dial_plan_id', '=', plan.id).execute();
    // Its mailbox policies go with it: no user has one (users of the plan refuse the removal).
    await trx.deleteFrom('mailbox_policies').where('dial_plan_id', '=', plan.id).execute();
    await trx.deleteFrom('dial_plans').where('id', '=', plan.id).execute();
    return { result: undefined, details: { removed: plan } };
  });
}
