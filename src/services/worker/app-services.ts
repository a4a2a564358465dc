// The per-application services a call session gives its application (apps/call-context.ts
// AppServices), over the store and the data directory. One function per application.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CallAnsweringServices } from '../../apps/call-answering.js';
import type { CallerId } from '../../apps/call-context.js';
import type { HangupCause } from '../../apps/call.js';
import { decodePcmWav } from '../../media/audio/prompt-library.js';
import { getGreeting } from '../../org/user-greetings.js';
import type { Database } from '../../store/schema.js';
import type { CallSessionDeps, CallSessionInput } from './call-session.js';
import { VoicemailBox } from './voicemail-box.js';

/** Call answering: the mailbox of the call's user, and their own greeting. */
export function callAnsweringServices(deps: CallSessionDeps, input: CallSessionInput, caller: CallerId, cause: () => HangupCause | undefined, log: Logger): CallAnsweringServices {
  const user = input.routed.user;
  if (!user) throw new Error('call answering needs the user whose mailbox the call is for');
  return {
    mailbox: () => new VoicemailBox({
      db: deps.db, dataDir: deps.dataDir, serverName: deps.serverName, worker: deps.worker,
      userId: user.id, caller, called: user.extension, callId: input.callId,
      minRecordingMs: deps.minRecordingMs(), cause, onStored: deps.onStored, log,
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
