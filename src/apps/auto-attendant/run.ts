// The auto attendant as registered in registry.ts: the call's auto attendant, read when the call
// arrives (a change made a moment ago applies), run over the Call with the worker's services.
import type { CallContext } from '../call-context.js';
import { runAutoAttendant } from './auto-attendant.js';
import type { AutoAttendantOutcome } from './types.js';

export async function runAutoAttendantCall(ctx: CallContext): Promise<AutoAttendantOutcome | { kind: 'removed' }> {
  const { autoAttendant } = ctx.services;
  const config = await autoAttendant.config();
  if (!config) {
    // Removed between routing and answering: nothing to offer but a polite goodbye.
    await ctx.call.play(await ctx.prompts.load('goodbye', ctx.dialPlan.defaultLanguage));
    return { kind: 'removed' };
  }
  return runAutoAttendant(ctx.call, config, autoAttendant.services);
}
