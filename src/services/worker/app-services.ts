// The per-application services a call session gives its application (apps/call-context.ts
// AppServices), over the store and the data directory. One function per application.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { answerCall, type CallAnsweringServices } from '../../apps/call-answering.js';
import type { AppServices, CallerId } from '../../apps/call-context.js';
import type { Call, HangupCause } from '../../apps/call.js';
import { decodePcmWav } from '../../media/audio/prompt-library.js';
import type { UmUser } from '../../org/organisation-types.js';
import { getGreeting } from '../../org/user-greetings.js';
import { findUserById } from '../../org/users.js';
import type { Database } from '../../store/schema.js';
import type { CallSessionDeps, CallSessionInput } from './call-session.js';
import { autoAttendantServices, gatewayTransferTarget, loadAutoAttendantConfig, testClock } from './auto-attendant-services.js';
import { senderCallback, subscriberAccessPorts } from './subscriber-access-services.js';
import { VoicemailBox } from './voicemail-box.js';

/** Call answering: the mailbox of `user` (the call's user, or one an auto attendant hands over to), and their own greeting. */
export function callAnsweringServices(deps: CallSessionDeps, input: CallSessionInput, user: UmUser, caller: CallerId, cause: () => HangupCause | undefined, log: Logger): CallAnsweringServices {
  return {
    mailbox: () => new VoicemailBox({
      db: deps.db, audio: deps.mailbox.messageAudio, serverName: deps.serverName, worker: deps.worker,
      userId: user.id, caller, called: user.extension, callId: input.callId,
      minRecordingMs: deps.minRecordingMs(), cause, onStored: deps.onStored, pending: deps.pending, onPending: deps.onPending, log,
    }),
    greeting: () => userGreeting(deps.db, user.id, log),
  };
}

async function userGreeting(db: Kysely<Database>, userId: number, log: Logger): Promise<Int16Array | undefined> {
  try {
    const greeting = await getGreeting(db, userId);
    return greeting ? decodePcmWav(greeting.wav, 8000, 'the stored greeting') : undefined;
  } catch (err) {
    log.warn({ err, userId }, 'the user greeting cannot be played; playing the system greeting');
    return undefined;
  }
}

/**
 * The auto attendant: its configuration, the dial plan's directory, transfers to the gateway the
 * call came from (the gateway places the new call, RFC 3515 §2.4.2), and a hand-over to call
 * answering for a user on the same Call.
 */
export function autoAttendantAppServices(deps: CallSessionDeps, input: CallSessionInput, call: Call, caller: CallerId, cause: () => HangupCause | undefined, log: Logger): AppServices['autoAttendant'] {
  const { routed } = input;
  const id = routed.autoAttendant?.id;
  if (id === undefined) throw new Error('the auto attendant application needs the auto attendant the call is for');
  return {
    config: () => loadAutoAttendantConfig(deps.db, id),
    services: autoAttendantServices({
      db: deps.db, prompts: deps.prompts, dialPlanId: routed.dialPlan.id, log,
      transferTarget: gatewayTransferTarget(routed.gateway, input.transport),
      now: testClock(process.env, log),
      async leaveMessage(userId) {
        const user = await findUserById(deps.db, userId);
        if (!user?.umEnabled || !user.callAnswering) {
          log.warn({ userId }, 'auto attendant: the voice-mail key leads to a user who is gone, not UM-enabled or with call answering off');
          return;
        }
        const services = callAnsweringServices(deps, input, user, caller, cause, log);
        const greeting = await services.greeting();
        await answerCall(call, services.mailbox(), {
          prompts: deps.prompts, language: user.language ?? routed.dialPlan.defaultLanguage, extension: user.extension,
          ...(greeting ? { greeting } : {}),
          maxRecordingMs: routed.dialPlan.maxRecordingMinutes * 60_000, idleMs: routed.dialPlan.recordingIdleSeconds * 1000,
        });
      },
    }),
  };
}

/**
 * Subscriber access: the dial plan's directory, PINs, the mailbox, greetings and speech. "Call
 * the sender" transfers to the caller's number at the gateway the call came from, when that gateway
 * takes outgoing calls and the dial plan's outdialing rules allow the number.
 */
export function subscriberAccessAppServices(deps: CallSessionDeps, input: CallSessionInput, log: Logger): AppServices['subscriberAccess'] {
  const { routed } = input;
  const target = gatewayTransferTarget(routed.gateway, input.transport);
  return subscriberAccessPorts({
    mailbox: deps.mailbox, pins: deps.pins, prompts: deps.prompts, dialPlan: routed.dialPlan, log,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    callbackTarget: senderCallback(routed.gateway, routed.dialPlan, target),
  });
}
