// Auto attendants as the rest of the server sees them (Exchange's UMAutoAttendant): plain objects,
// their allowed values, and the views built from the store rows.
import type { HoursRange } from './business-hours.js';
import type { Language } from './organisation-types.js';

/** The two menus: business hours and after hours (holidays use the after-hours menu, as Exchange). */
export const HOURS = ['business', 'after'] as const;
export type Hours = (typeof HOURS)[number];

export const KEY_ACTIONS = ['transfer', 'autoattendant', 'announcement', 'voicemail'] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];

/** Dial by name: off, or spelled by last name or by first name. */
export const NAME_LOOKUPS = ['off', 'LastName', 'FirstName'] as const;
export type NameLookup = (typeof NAME_LOOKUPS)[number];

export type KeyMapping =
  | { key: string; action: 'transfer'; extension: string }
  | { key: string; action: 'autoattendant'; autoAttendantId: number; autoAttendant: string }
  | { key: string; action: 'announcement' }
  | { key: string; action: 'voicemail'; userId: number; user: string };

export interface AutoAttendantHoliday {
  id: number;
  name: string;
  startDate: string;
  endDate: string;
  /** custom: an uploaded greeting; system: the system holiday prompt. */
  greeting: 'custom' | 'system';
}

export interface AutoAttendant {
  id: number;
  name: string;
  dialPlanId: number;
  dialPlanName: string;
  enabled: boolean;
  /** Pilot numbers, normalised as dial plan access numbers are. */
  numbers: string[];
  timeZone: string;
  /** `Mon.08:00-Mon.18:00` …, or ['always'] / ['none']. */
  businessHours: string[];
  holidays: AutoAttendantHoliday[];
  greetings: { businessHours: 'custom' | 'system'; afterHours: 'custom' | 'system' };
  operatorExtension: string | null;
  dialByExtension: boolean;
  dialByName: NameLookup;
  /** null: the dial plan's default language. */
  language: Language | null;
  keys: { business: KeyMapping[]; after: KeyMapping[] };
  createdAt: string;
  updatedAt: string;
}

/** What the auto attendant application needs for one call (the worker loads it by id). */
export interface AutoAttendantRuntime {
  id: number;
  name: string;
  dialPlanId: number;
  enabled: boolean;
  timeZone: string;
  hours: HoursRange[];
  holidays: AutoAttendantHoliday[];
  greetings: AutoAttendant['greetings'];
  operatorExtension: string | null;
  dialByExtension: boolean;
  dialByName: NameLookup;
  /** The auto attendant's language, else its dial plan's. */
  language: Language;
  /** The dial plan's digits in an extension (null on a SipName plan without them). */
  extensionLength: number | null;
  inputFailuresBeforeDisconnect: number;
  keys: { business: KeyMapping[]; after: KeyMapping[] };
}

/** Audio slots: the two greetings, a holiday's greeting, a key's announcement. */
export type AudioSlot = 'business-hours' | 'after-hours' | `holiday:${number}` | `announcement:${Hours}:${string}`;

/** What the routing module needs: which numbers lead to which auto attendant. */
export interface AutoAttendantRoute {
  id: number;
  name: string;
  dialPlanId: number;
  enabled: boolean;
  numbers: string[];
}
