// One answered call in a UM worker, from the 200 OK to the last write: its media channel (RTP or
// SRTP on the ports the worker found), the Call the applications see (MediaCall), and the
// application registered for the call's type (apps/registry.ts), given a CallContext. Ownership:
// the session owns the channel (and so the ports) and the MediaCall, and closes them when the
// application has finished — for call answering after the recording is safely on disk; the
// worker counts the call until then, so draining a worker never cuts a message short.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CallAnsweringServices } from '../../apps/call-answering.js';
import type { AppServices, CallContext } from '../../apps/call-context.js';
import type { HangupCause, TransferResult } from '../../apps/call.js';
import { MediaCall } from '../../apps/media-call.js';
import type { CallApplication } from '../../apps/registry.js';
import type { PromptLibrary } from '../../media/audio/prompt-library.js';
import type { NegotiatedMedia } from '../../media/media-channel.js';
import type { MediaHost, MediaLease } from '../../media/media-host.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { Routed } from '../routing/classify.js';
import type { Database } from '../../store/schema.js';
import type { MailboxService } from '../mailbox/mailbox-service.js';
import type { PinService } from '../mailbox/pin-service.js';
import type { PendingMessages } from '../voicemail/pending-messages.js';
import { autoAttendantAppServices, callAnsweringServices, subscriberAccessAppServices } from './app-services.js';
import { callerOf, calledOf } from './caller.js';
import { observeRtp } from '../ops/process-metrics.js';

export interface CallSessionDeps {
  db: Kysely<Database>;
  dataDir: string;
  serverName: string;
  worker: number;
  /** Where the call's media runs (its own thread in a worker). */
  media: MediaHost;
  prompts: PromptLibrary;
  /** Message operations and audio (the same service the CLI and the API use). */
  mailbox: MailboxService;
  /** PIN logons and changes under the mailbox policy. */
  pins: PinService;
  minRecordingMs(): number;
  onStored(id: number, userId: number): void;
  /** Where a message waits while the store is unreachable; onPending tells the main process one does. */
  pending: PendingMessages;
  onPending(): void;
  log: Logger;
}

export interface CallSessionInput {
  callId: string;
  invite: SipRequest;
  /** The routing decision (verified token or classification) the call was admitted with. */
  routed: Routed;
  /** The registered application for routed.callType (the worker refused the call without one). */
  application: CallApplication;
  media: NegotiatedMedia;
  ports: MediaLease;
  /** The transport the INVITE came over (a transfer target is reached the same way). */
  transport: 'udp' | 'tcp' | 'tls';
  /** Sends BYE. */
  hangup(): void;
  /** Blind transfer of the caller (REFER, RFC 3515), as the dialog layer offers it. */
  transfer(target: string): Promise<TransferResult>;
}

export class CallSession {
  /** Resolves when the application has finished and the media is closed. */
  readonly done: Promise<void>;
  readonly #call: MediaCall;
  #cause: HangupCause | undefined;

  constructor(deps: CallSessionDeps, input: CallSessionInput) {
    const channel = deps.media.open(input.ports, input.media);
    const call = new MediaCall(input.callId, channel, input.hangup, { transfer: input.transfer });
    this.#call = call;
    const { routed } = input;
    const log = deps.log.child({ callId: input.callId, callType: routed.callType });
    const caller = callerOf(input.invite);
    const cause = () => this.#cause;
    // Each application's services are built when it first asks for them.
    let callAnswering: CallAnsweringServices | undefined;
    let autoAttendant: AppServices['autoAttendant'] | undefined;
    let subscriberAccess: AppServices['subscriberAccess'] | undefined;
    const services: AppServices = {
      get callAnswering() {
        if (!routed.user) throw new Error('call answering needs the user whose mailbox the call is for');
        return callAnswering ??= callAnsweringServices(deps, input, routed.user, caller, cause, log);
      },
      get autoAttendant() {
        return autoAttendant ??= autoAttendantAppServices(deps, input, call, caller, cause, log);
      },
      get subscriberAccess() {
        return subscriberAccess ??= subscriberAccessAppServices(deps, input, log);
      },
    };
    const context: CallContext = {
      call, callType: routed.callType, dialPlan: routed.dialPlan, caller, called: calledOf(input.invite), prompts: deps.prompts, log,
      services,
      ...(routed.user ? { user: routed.user } : {}),
      ...(routed.autoAttendant ? { autoAttendant: { id: routed.autoAttendant.id, name: routed.autoAttendant.name } } : {}),
    };
    this.done = (async () => {
      let outcome: unknown;
      try {
        outcome = await input.application(context);
      } catch (err) {
        log.error({ err }, 'call application failed');
      }
      call.hangup(); // an application that returns has finished with the call
      const stats = await channel.end();
      const { rtp } = stats;
      observeRtp(rtp);
      log.info({
        user: routed.user?.name, autoAttendant: routed.autoAttendant?.name, outcome, cause: this.#cause, codec: input.media.codec, srtp: !!input.media.srtp,
        rtp: {
          packetsIn: rtp.packetsIn, packetsOut: rtp.packetsOut, expected: rtp.expected, lost: rtp.lost, jitterMs: rtp.jitterMs,
          droppedWrongSource: rtp.droppedWrongSource, droppedInvalid: rtp.droppedInvalid, droppedOversized: rtp.droppedOversized,
          droppedAuth: rtp.droppedAuth, droppedSeqJump: rtp.droppedSeqJump, rtcpIn: rtp.rtcpIn, rtcpOut: rtp.rtcpOut,
        },
        srtpStats: stats.srtp, jitterBuffer: stats.jitter, dtmf: stats.dtmf,
        played: stats.played, sendJitterP99Ms: stats.sendLatenessMs.p99, sendJitterMaxMs: stats.sendLatenessMs.max, mediaLoopDelayP99Ms: stats.loopDelayP99Ms,
      }, 'call ended');
    })();
  }

  /** The dialog ended (BYE, CANCEL, maximum duration, shutdown): the application stops. */
  terminate(cause: HangupCause): void {
    this.#cause ??= cause;
    this.#call.terminate(cause);
  }
}
