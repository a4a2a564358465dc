// The application registry: call type → the application that runs a call of that type
// (ARCHITECTURE.md seam 3). Routing decides the call type (services/routing/classify.ts); the
// worker runs what is registered here; a call type with nothing registered is refused before it
// is answered (480, `<what> is not available on this server yet`). Registering an application
// is one line in APPLICATIONS (and, if it needs its own services, a member of AppServices).
import { runAutoAttendantCall } from './auto-attendant/run.js';
import { runCallAnswering } from './call-answering.js';
import { runSubscriberAccessCall } from './subscriber-access/run.js';
import type { CallContext } from './call-context.js';

export type CallType = 'CallAnswering' | 'SubscriberAccess' | 'AutoAttendant';

/** An application: runs one call to its end; what it resolves with is logged as the outcome. */
export type CallApplication = (ctx: CallContext) => Promise<unknown>;

/** What a call type is, in words, for refusals and logs. */
export const CALL_TYPE_DESCRIPTION: Record<CallType, string> = {
  CallAnswering: 'call answering',
  SubscriberAccess: 'subscriber access',
  AutoAttendant: 'the auto attendant',
};

const APPLICATIONS: { readonly [T in CallType]?: CallApplication } = {
  CallAnswering: runCallAnswering,
  SubscriberAccess: runSubscriberAccessCall,
  AutoAttendant: runAutoAttendantCall,
};

export function applicationFor(type: CallType): CallApplication | undefined {
  return APPLICATIONS[type];
}
