// A Play on Phone call placed by a UM worker: INVITE with an SDP offer through the gateway the
// request names (UDP for an Unsecured dial plan; TLS with the gateway's certificate checked for
// SIPSecured, and SRTP too for Secured), the message played with its keys (apps/play-on-phone.ts),
// BYE at the end. Progress goes to the store row: dialing, ringing, playing, then completed,
// failed (with the SIP status and reason) or cancelled.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { MediaCall } from '../../apps/media-call.js';
import { playOnPhone } from '../../apps/play-on-phone.js';
import type { MediaHost, MediaLease } from '../../media/media-host.js';
import { buildOffer, readAnswer } from '../../media/sdp-offer.js';
import { playOnPhoneContext, setPlayOnPhoneState, type PlayOnPhoneCall, type PopState } from '../../org/play-on-phone.js';
import type { Dialog } from '../../sip/dialog/dialog.js';
import { UacInvite, type UacDialog } from '../../sip/dialog/uac-dialog.js';
import type { Actor } from '../../store/mutation.js';
import type { Database } from '../../store/schema.js';
import type { MailboxService } from '../mailbox/mailbox-service.js';
import type { OutboundClient } from '../sip/outbound-client.js';
import type { LiveCall } from './live-call.js';

/** What the worker's calls list shows of a Play on Phone call (worker/live-call.ts). */
export type OutboundCallInfo = Omit<LiveCall, 'id' | 'role' | 'worker' | 'startedAt'>;

export interface OutboundCallDeps {
  db: Kysely<Database>;
  /** The message's audio, and reading or deleting it (MWI follows through the store). */
  mailbox: MailboxService;
  worker: number;
  fqdn(): string;
  client: OutboundClient;
  media: MediaHost;
  allocatePorts(local: string): Promise<MediaLease>;
  /** Puts the dialog in the worker's dialog table and counts the call until `done`. */
  adopt(dialog: Dialog, app: { terminate(cause: 'caller' | 'app' | 'shutdown' | 'max-call'): void; done: Promise<void> }, info: OutboundCallInfo): void;
  log: Logger;
  /** How long the phone may ring (default 60 s). */
  ringMs?: number;
}

export class OutboundCall {
  readonly id: number;
  readonly done: Promise<void>;
  #invite: UacInvite | undefined;
  #call: MediaCall | undefined;
  #cancelled = false;
  readonly #deps: OutboundCallDeps;
  readonly #log: Logger;

  constructor(deps: OutboundCallDeps, request: PlayOnPhoneCall) {
    this.id = request.id;
    this.#deps = deps;
    this.#log = deps.log.child({ playOnPhone: request.id });
    this.done = this.#run(request).catch(async (err: unknown) => {
      this.#log.error({ err }, 'Play on Phone call failed');
      await this.#state('failed', { reason: (err as Error).message }).catch(() => undefined);
    });
  }

  /** DELETE /api/play-on-phone/:id: CANCEL while it rings, BYE once answered. */
  cancel(): void {
    this.#cancelled = true;
    this.#invite?.cancel();
    this.#call?.hangup();
  }

  #state(state: PopState, extra: { sipStatus?: number; reason?: string } = {}): Promise<void> {
    this.#log.info({ state, ...extra }, 'Play on Phone progress');
    return setPlayOnPhoneState(this.#deps.db, this.id, state, { ...extra, worker: this.#deps.worker });
  }

  async #run(request: PlayOnPhoneCall): Promise<void> {
    const deps = this.#deps;
    const { message, plan, gateway, user } = await playOnPhoneContext(deps.db, request);
    const { samples: audio } = await deps.mailbox.samples(message.id);
    await this.#state('dialing');
    const protocol = plan.voipSecurity === 'Unsecured' ? 'udp' : 'tls';
    const hop = await deps.client.connect({ protocol, address: gateway.address, port: gateway.port, ipAddressFamily: gateway.ipAddressFamily });
    const ports = await deps.allocatePorts(hop.local.address);
    let released = false;
    const release = () => { if (!released) { released = true; ports.release(); } };
    const offer = buildOffer({ address: hop.local.address, port: ports.port, sessionId: String(Date.now()) }, { srtp: plan.voipSecurity === 'Secured' });
    const host = gateway.address.includes(':') ? `[${gateway.address}]` : gateway.address;
    const transport = protocol === 'tls' ? ';transport=tls' : '';
    let app: { terminate(cause: 'caller' | 'app' | 'shutdown' | 'max-call'): void } | undefined = undefined;
    const invite = new UacInvite({
      layer: deps.client.layer,
      hop,
      requestUri: `sip:${request.number}@${host}:${gateway.port}${transport};user=phone`,
      from: `sip:um@${deps.fqdn()}`,
      to: `sip:${request.number}@${host}`,
      contact: `sip:um@${hop.contact.host}:${hop.contact.port}${protocol === 'tls' ? ';transport=tls' : ''}`,
      body: Buffer.from(offer.sdp),
      events: {
        onProvisional: (r) => { if (r.status === 180 || r.status === 183) void this.#state('ringing'); },
        onTerminated: (reason) => app?.terminate(reason === 'bye-received' ? 'caller' : reason === 'shutdown' ? 'shutdown' : 'app'),
      },
    });
    this.#invite = invite;
    if (this.#cancelled) invite.cancel();
    const ring = setTimeout(() => invite.cancel(), deps.ringMs ?? 60_000);
    const result = await invite.start();
    clearTimeout(ring);
    if (!result.ok) {
      release();
      if (this.#cancelled) return this.#state('cancelled', { sipStatus: result.status, reason: 'cancelled while ringing' });
      return this.#state('failed', { sipStatus: result.status, reason: result.status === 487 ? 'no answer' : result.reason });
    }
    const dialog: UacDialog = result.dialog;
    const answer = readAnswer(result.response.body.toString('utf8'), offer);
    if (!answer.ok) {
      dialog.bye();
      release();
      return this.#state('failed', { sipStatus: 488, reason: `the SDP answer cannot be used: ${answer.reason}` });
    }
    const channel = deps.media.open(ports, answer.media);
    const call = new MediaCall(dialog.callId, channel, () => dialog.bye());
    this.#call = call;
    let finished!: () => void;
    const done = new Promise<void>((r) => { finished = r; });
    app = { terminate: (cause) => call.terminate(cause) };
    deps.adopt(dialog, { terminate: (cause) => call.terminate(cause), done }, {
      type: 'playOnPhone', direction: 'outbound', from: `um@${deps.fqdn()}`, to: request.number, gateway: gateway.name, dialPlan: plan.name,
      user, transport: protocol, media: answer.media.srtp ? 'SRTP' : 'RTP',
    });
    if (dialog.state === 'Terminated') call.terminate('caller');
    try {
      if (this.#cancelled) call.hangup();
      await this.#state('playing', { sipStatus: result.response.status });
      const outcome = await playOnPhone(call, audio, {
        // Both bump the store revision: the main process's MWI follows (as for the CLI).
        markRead: () => deps.mailbox.markRead(message.id),
        deleteMessage: async () => {
          await deps.mailbox.delete(message.id, { actor: { name: `worker-${deps.worker}:play-on-phone` } satisfies Actor });
        },
      });
      this.#log.info({ outcome, codec: answer.media.codec, srtp: answer.secure }, 'Play on Phone call ended');
      await this.#state(this.#cancelled ? 'cancelled' : 'completed', { reason: outcome === 'hangup' ? 'the called party hung up' : outcome === 'deleted' ? 'played; deleted with key 3' : 'played' });
    } finally {
      await channel.end();
      finished();
    }
  }
}
