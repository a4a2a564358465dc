// One answered call in a UM worker, from the 200 OK to the last write: its media channel (RTP or
// SRTP on the ports the worker found), the Call the applications see, and the call answering
// application with a mailbox over the store. Ownership: this owns the media (and so the ports)
// and releases it when the application has finished, after the recording is safely on disk; the
// worker counts the call until then, so draining a worker never cuts a message short.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { answerCall, type CallAnsweringOutcome } from '../../apps/call-answering.js';
import type { HangupCause } from '../../apps/call.js';
import { MediaCall } from '../../apps/media-call.js';
import { decodePcmWav, type PromptLibrary } from '../../media/audio/prompt-library.js';
import type { MediaClock } from '../../media/media-clock.js';
import { MediaChannel, type NegotiatedMedia } from '../../media/media-channel.js';
import type { MediaPorts } from '../../media/port-allocator.js';
import { getHeader } from '../../sip/message/headers.js';
import { parseNameAddr } from '../../sip/message/name-addr.js';
import type { SipRequest } from '../../sip/message/types.js';
import { parseUri } from '../../sip/message/uri.js';
import type { DialPlan, UmUser } from '../../org/organisation-types.js';
import { getGreeting } from '../../org/user-greetings.js';
import { FileAudioStore } from '../../store/audio/file-audio-store.js';
import type { Database } from '../../store/schema.js';
import { VoicemailBox } from './voicemail-box.js';

export interface AnsweredCallDeps {
  db: Kysely<Database>;
  dataDir: string;
  serverName: string;
  worker: number;
  clock: MediaClock;
  prompts: PromptLibrary;
  minRecordingMs(): number;
  onStored(id: number, userId: number): void;
  log: Logger;
}

export interface AnsweredCallInput {
  callId: string;
  invite: SipRequest;
  user: UmUser;
  dialPlan: DialPlan;
  media: NegotiatedMedia;
  ports: MediaPorts;
  /** Sends BYE. */
  hangup(): void;
}

export class AnsweredCall {
  /** Resolves when the application has finished and the media is closed. */
  readonly done: Promise<void>;
  readonly #call: MediaCall;
  #cause: HangupCause | undefined;

  constructor(deps: AnsweredCallDeps, input: AnsweredCallInput) {
    const channel = new MediaChannel({ ports: input.ports, media: input.media, clock: deps.clock });
    const call = new MediaCall(input.callId, channel, input.hangup);
    this.#call = call;
    const caller = callerOf(input.invite);
    const box = new VoicemailBox({
      db: deps.db, audio: new FileAudioStore(deps.dataDir), serverName: deps.serverName, worker: deps.worker,
      userId: input.user.id, caller, called: input.user.extension, callId: input.callId,
      minRecordingMs: deps.minRecordingMs(), cause: () => this.#cause, onStored: deps.onStored, log: deps.log,
    });
    const log = deps.log.child({ callId: input.callId });
    this.done = (async () => {
      let outcome: CallAnsweringOutcome | undefined;
      try {
        const greeting = await userGreeting(deps.db, input.user.id, log);
        outcome = await answerCall(call, box, {
          prompts: deps.prompts,
          language: input.dialPlan.defaultLanguage,
          extension: input.user.extension,
          ...(greeting ? { greeting } : {}),
          maxRecordingMs: input.dialPlan.maxRecordingMinutes * 60_000,
          idleMs: input.dialPlan.recordingIdleSeconds * 1000,
        });
      } catch (err) {
        log.error({ err }, 'call answering failed');
        call.hangup();
      }
      const stats = channel.stats();
      await channel.close();
      const { rtp } = stats;
      log.info({
        user: input.user.name, outcome, cause: this.#cause, codec: input.media.codec, srtp: !!input.media.srtp,
        rtp: {
          packetsIn: rtp.packetsIn, packetsOut: rtp.packetsOut, expected: rtp.expected, lost: rtp.lost, jitterMs: rtp.jitterMs,
          droppedWrongSource: rtp.droppedWrongSource, droppedInvalid: rtp.droppedInvalid, droppedOversized: rtp.droppedOversized,
          droppedAuth: rtp.droppedAuth, droppedSeqJump: rtp.droppedSeqJump, rtcpIn: rtp.rtcpIn, rtcpOut: rtp.rtcpOut,
        },
        srtpStats: stats.srtp, jitterBuffer: stats.jitter, dtmf: stats.dtmf,
        played: stats.played, sendJitterP99Ms: stats.sendLatenessMs.p99, sendJitterMaxMs: stats.sendLatenessMs.max,
      }, 'call ended');
    })();
  }

  /** The dialog ended (BYE, CANCEL, maximum duration, shutdown): the application stops. */
  terminate(cause: HangupCause): void {
    this.#cause ??= cause;
    this.#call.terminate(cause);
  }
}

/** The caller as the message shows it: the number (or URI) and display name from From. */
export function callerOf(invite: SipRequest): { id: string; name: string } {
  try {
    const from = parseNameAddr(getHeader(invite, 'From') ?? '', 'From');
    const uri = parseUri(from.uri, 'From URI');
    const anonymous = /^anonymous$/i.test(uri.user ?? '') || /anonymous\.invalid$/i.test(uri.host);
    return { id: anonymous ? '' : uri.user ?? from.uri, name: anonymous ? '' : (from.displayName ?? '').slice(0, 100) };
  } catch {
    return { id: '', name: '' };
  }
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
