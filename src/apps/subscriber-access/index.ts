// Subscriber access: the function the application registry starts, and the ports it needs.
export {
  runSubscriberAccess, type SubscriberAccessDialPlan, type SubscriberAccessOptions, type SubscriberAccessOutcome,
} from './subscriber-access.js';
export type { EndReason, Timing } from './session.js';
export type * from './ports.js';
