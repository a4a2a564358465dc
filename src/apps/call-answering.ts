// Call answering (seeds: a call diverted to voice mail when the user does not pick up): the
// user's own greeting if they recorded one, else the system greeting with their extension, then
// a tone, then the caller's message, recorded as it arrives. `#` during the greeting skips to the
// tone; `#` during the recording ends it, and the caller hears that the message was recorded. The
// recording also ends on hang-up, after the dial plan's idle timeout of silence, or at its maximum
// recording duration. What is kept, and whether it is too short to be a message, is the
// mailbox's decision (the minimum recording length is a server setting).
import type { PromptLibrary } from '../media/audio/prompt-library.js';
import type { AudioSink, Call, RecordResult } from './call.js';
import type { CallContext } from './call-context.js';

export interface Mailbox {
  /** Starts a message; the sink writes it to storage as it is recorded. */
  begin(): Promise<AudioSink>;
  /** Ends the message begun; 'missed' when it was too short to keep. */
  end(result: RecordResult): Promise<'stored' | 'missed'>;
  /** The caller hung up before the tone: a missed call. */
  missed(): Promise<void>;
}

/** What call answering needs from the worker for the call's user. */
export interface CallAnsweringServices {
  /** The mailbox of the user the call is for. */
  mailbox(): Mailbox;
  /** The user's own greeting (8 kHz samples), or undefined to play the system greeting. */
  greeting(): Promise<Int16Array | undefined>;
}

export interface CallAnsweringOptions {
  prompts: PromptLibrary;
  /** The dial plan's language (en-US, it-IT, es-ES, fr-FR). */
  language: string;
  extension: string;
  /** The user's own greeting (8 kHz samples), if recorded. */
  greeting?: Int16Array;
  maxRecordingMs: number;
  idleMs: number;
}

export type CallAnsweringOutcome =
  | { kind: 'message'; end: RecordResult['end']; durationMs: number }
  | { kind: 'missed'; end: RecordResult['end'] | 'before-tone'; durationMs: number };

export async function answerCall(call: Call, mailbox: Mailbox, o: CallAnsweringOptions): Promise<CallAnsweringOutcome> {
  const greeting = o.greeting ?? await o.prompts.greeting(o.extension, o.language);
  const heard = await call.play(greeting, { interruptDigits: '#' });
  if (heard.outcome === 'hangup') return missedBeforeTone(mailbox);
  const tone = await call.play(await o.prompts.load('tone', o.language));
  if (tone.outcome === 'hangup') return missedBeforeTone(mailbox);

  const sink = await mailbox.begin();
  const recorded = await call.record(sink, { maxMs: o.maxRecordingMs, idleMs: o.idleMs, stopDigits: '#' });
  const kept = await mailbox.end(recorded);
  if (call.active) {
    // The caller is still there (#, silence, maximum length): say so, then hang up.
    await call.play(await o.prompts.load(kept === 'stored' ? 'message-recorded' : 'goodbye', o.language));
    call.hangup();
  }
  return kept === 'stored'
    ? { kind: 'message', end: recorded.end, durationMs: recorded.durationMs }
    : { kind: 'missed', end: recorded.end, durationMs: recorded.durationMs };
}

async function missedBeforeTone(mailbox: Mailbox): Promise<CallAnsweringOutcome> {
  await mailbox.missed();
  return { kind: 'missed', end: 'before-tone', durationMs: 0 };
}

/** Call answering as registered in registry.ts: a CallAnswering call always names its user. */
export async function runCallAnswering(ctx: CallContext): Promise<CallAnsweringOutcome> {
  const user = ctx.user;
  if (!user) throw new Error('call answering needs the user whose mailbox the call is for');
  const { dialPlan, services } = ctx;
  const greeting = await services.callAnswering.greeting();
  return answerCall(ctx.call, services.callAnswering.mailbox(), {
    prompts: ctx.prompts,
    language: user.language ?? dialPlan.defaultLanguage,
    extension: user.extension,
    ...(greeting ? { greeting } : {}),
    maxRecordingMs: dialPlan.maxRecordingMinutes * 60_000,
    idleMs: dialPlan.recordingIdleSeconds * 1000,
  });
}
