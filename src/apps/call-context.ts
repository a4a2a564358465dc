// What a call application is given besides the Call (call.ts): who is calling and what they
// called, the dial plan, the user or auto attendant the call is for, prompts, a log, and the
// services each application needs (AppServices). The worker builds one per answered call
// (services/worker/call-session.ts). The shapes here are the parts of the organisation's objects
// that applications read; apps/ does not import org/ (layers), the worker passes the real ones.
import type { Logger } from 'pino';
import type { PromptLibrary } from '../media/audio/prompt-library.js';
import type { AutoAttendantConfig, AutoAttendantServices } from './auto-attendant/types.js';
import type { CallAnsweringServices } from './call-answering.js';
import type { SubscriberAccessPorts } from './subscriber-access/index.js';
import type { Call } from './call.js';
import type { CallType } from './registry.js';

export interface AppDialPlan {
  id: number;
  name: string;
  /** en-US, it-IT, es-ES, fr-FR: the language prompts are played in. */
  defaultLanguage: string;
  extensionLength: number | null;
  accessNumbers: string[];
  maxRecordingMinutes: number;
  recordingIdleSeconds: number;
  inputFailuresBeforeDisconnect: number;
  logonFailuresBeforeDisconnect: number;
}

export interface AppUser {
  id: number;
  name: string;
  displayName: string;
  extension: string;
  email: string;
  /** The user's own prompt language; null or absent: the dial plan's default. */
  language?: string | null;
}

export interface AppAutoAttendant {
  id: number;
  name: string;
}

/** The caller as the gateway identified them: P-Asserted-Identity (RFC 3325) if sent, else From. */
export interface CallerId {
  /** The number or SIP URI user part; '' when anonymous. */
  id: string;
  /** The display name; '' when none or anonymous. */
  name: string;
  /** A sip:/sips: identity as `sip:user@host` in lower case (no port, no parameters), to match a user's SIP URI; absent for tel: and anonymous. */
  uri?: string;
}

/**
 * Per-application services, given by the worker (each built only when its application asks for
 * it). An application added to the registry adds its own member here.
 */
export interface AppServices {
  readonly callAnswering: CallAnsweringServices;
  readonly autoAttendant: {
    /** The configuration of the call's auto attendant; undefined when it was removed meanwhile. */
    config(): Promise<AutoAttendantConfig | undefined>;
    services: AutoAttendantServices;
  };
  readonly subscriberAccess: SubscriberAccessPorts;
}

export interface CallContext {
  call: Call;
  callType: CallType;
  dialPlan: AppDialPlan;
  /** CallAnswering: whose mailbox; SubscriberAccess: set when the caller was recognised by caller ID. */
  user?: AppUser;
  /** AutoAttendant: which one. */
  autoAttendant?: AppAutoAttendant;
  caller: CallerId;
  /** The number or URI that was called (the Request-URI). */
  called: string;
  prompts: PromptLibrary;
  log: Logger;
  services: AppServices;
}
