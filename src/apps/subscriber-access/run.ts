// Subscriber access as registered in registry.ts: the caller reaches their mailbox through the
// dial plan's pilot number, with the worker's ports (services/worker/subscriber-access-services.ts).
import type { CallContext } from '../call-context.js';
import { runSubscriberAccess, type SubscriberAccessOutcome } from './subscriber-access.js';

export function runSubscriberAccessCall(ctx: CallContext): Promise<SubscriberAccessOutcome> {
  return runSubscriberAccess(ctx.call, ctx.services.subscriberAccess, { dialPlan: ctx.dialPlan, caller: ctx.caller });
}
