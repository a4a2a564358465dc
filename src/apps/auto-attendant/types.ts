// What the auto attendant application is given: its configuration (the org model's runtime view
// fits it) and the services the worker wires in. The application knows no store, no SIP: it asks.
import type { Holiday, HoursRange } from '../../week-schedule.js';

export type MenuKey =
  | { key: string; action: 'transfer'; extension: string }
  | { key: string; action: 'autoattendant'; autoAttendantId: number }
  | { key: string; action: 'announcement' }
  | { key: string; action: 'voicemail'; userId: number };

export interface AaHoliday extends Holiday {
  id: number;
  greeting: 'custom' | 'system';
}

export interface AutoAttendantConfig {
  id: number;
  name: string;
  enabled: boolean;
  timeZone: string;
  hours: HoursRange[];
  holidays: AaHoliday[];
  greetings: { businessHours: 'custom' | 'system'; afterHours: 'custom' | 'system' };
  operatorExtension: string | null;
  dialByExtension: boolean;
  dialByName: 'off' | 'LastName' | 'FirstName';
  language: string;
  /** Digits in the dial plan's extensions; null: the caller ends the extension with #. */
  extensionLength: number | null;
  inputFailuresBeforeDisconnect: number;
  keys: { business: MenuKey[]; after: MenuKey[] };
}

/** A UM-enabled user of the auto attendant's dial plan, as dial by extension/name finds them. */
export interface DirectoryEntry {
  userId: number;
  extension: string;
  firstName: string;
  lastName: string;
}

export interface Prompts {
  load(name: string, lang: string): Promise<Int16Array>;
}

export interface AutoAttendantServices {
  prompts: Prompts;
  /** The clock (tests set it; the worker passes () => new Date()). */
  now(): Date;
  /** Another auto attendant by id (a key leading there); undefined when it was removed. */
  loadAutoAttendant(id: number): Promise<AutoAttendantConfig | undefined>;
  /** Uploaded audio of a slot (business-hours, after-hours, holiday:ID, announcement:HOURS:KEY), 8 kHz samples. */
  audio(autoAttendantId: number, slot: string): Promise<Int16Array | undefined>;
  /** The URI a blind transfer to `extension` refers the caller to, e.g. sip:1002@gateway. */
  transferTarget(extension: string): string;
  /** Hands the call to call answering for this user (their greeting, the tone, the message). */
  leaveMessage(userId: number): Promise<void>;
  /** The dial plan's UM-enabled users. */
  directory(): Promise<DirectoryEntry[]>;
  /** A user's recorded name, if they recorded one. */
  recordedName(userId: number): Promise<Int16Array | undefined>;
}

export interface AutoAttendantTimings {
  /** How long the menu waits for a key after its prompt. */
  menuMs: number;
  /** First- and inter-digit timeouts of an extension or a spelled name. */
  firstDigitMs: number;
  interDigitMs: number;
}

export const DEFAULT_TIMINGS: AutoAttendantTimings = { menuMs: 5000, firstDigitMs: 5000, interDigitMs: 3000 };

export type AutoAttendantOutcome =
  | { kind: 'transferred'; extension: string; target: string }
  | { kind: 'voicemail'; userId: number }
  | { kind: 'failures' }
  | { kind: 'disabled' }
  | { kind: 'hangup' };
