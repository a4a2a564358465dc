// The media of one call as an application sees it: 20 ms frames of 8 kHz linear audio out (a
// prompt, paced by the process's MediaClock), jitter-buffered frames in (for a recording), and
// DTMF digits (RFC 4733). Underneath: one RtpSession (symmetric RTP with latching, RTCP), SRTP
// when the SDP negotiated it (RFC 3711/4568), G.711 (RFC 3551 §4.5.14). It knows nothing of SIP.
// Ownership (../shared/STYLE.md, "Resources"): the channel owns the session, which owns the
// sockets; close() ends all of them and frees the ports.
import { encodedPrompt } from './audio/encoded-prompt.js';
import { decodeRange, type G711Codec } from './audio/g711.js';
import { JitterBuffer, type FrameKind, type JitterStats } from './audio/jitter-buffer.js';
import { FRAME_SAMPLES } from './audio/prompt-library.js';
import { DtmfReceiver, type DtmfReceiverStats } from './dtmf/dtmf-receiver.js';
import type { MediaClock } from './media-clock.js';
import { Listeners, type Unsubscribe } from './rtp/listeners.js';
import type { DatagramOut } from './rtp/datagram-out.js';
import type { RtpHeaderView } from './rtp/rtp-header-view.js';
import type { RtpSendOptions } from './rtp/rtp-sender.js';
import { RtpSession, type RtpSessionStats, type RtpSocketPair } from './rtp/rtp-session.js';
import type { RtpTransform } from './rtp/transform.js';
import { createSrtpTransform, type SrtpImplementation, type SrtpStream } from './srtp/create-transform.js';
import type { SrtpStats } from './srtp/srtp-session.js';
import type { SrtpSuite } from './srtp/suites.js';

export interface NegotiatedMedia {
  codec: G711Codec;
  payloadType: number;
  telephoneEvent?: number;
  remote: { address: string; port: number };
  srtp?: { suite: SrtpSuite; localKey: Buffer; remoteKey: Buffer };
}

export interface MediaChannelOptions {
  ports: RtpSocketPair;
  media: NegotiatedMedia;
  clock: MediaClock;
  rtcpIntervalMs?: number;
  /** How RTP packets leave (the media thread's batched native sender); default dgram's send(). */
  out?: DatagramOut;
}

export interface MediaChannelStats {
  rtp: RtpSessionStats;
  /** With the implementation that did it (create-transform.ts chooses per call). */
  srtp: (SrtpStats & { implementation: SrtpImplementation }) | undefined;
  jitter: Readonly<JitterStats> | undefined;
  dtmf: Readonly<DtmfReceiverStats>;
  /** Packets of prompts sent, and how late their ticks ran (p50/p99/max, ms). */
  played: number;
  sendLatenessMs: { p50: number; p99: number; max: number };
  /** p99 of the media event loop's delay while calls were up (from the host that ran the call; ms). */
  loopDelayP99Ms?: number;
}

/** One call per frame time: the frame (null while the buffer fills or nothing came) and its length in ms. */
export type CaptureHandler = (frame: Int16Array | null, kind: FrameKind | 'none', ms: number) => void;

/**
 * The caller's packet time is whatever their first audio packet holds (10-60 ms in 10 ms steps;
 * RFC 3551 §4.2 makes 20 ms the default, but gateways send 30 ms too), so the jitter buffer is made
 * on that packet; the 20 ms clock pops one frame each time a packet's worth of time has passed.
 */
interface Capture {
  handler: CaptureHandler;
  jitter: JitterBuffer | undefined;
  owedMs: number;
}

interface Playback {
  /** The prompt's payloads, whole frames encoded once (encoded-prompt.ts): a tick sends the next as it is. */
  payloads: Buffer;
  /** Octet offset of the next frame. */
  at: number;
  resolve: (completed: boolean) => void;
}

// Bounded memory for the lateness samples of one call (about a minute of prompts).
const MAX_LATENESS_SAMPLES = 3000;

export class MediaChannel {
  readonly localPort: number;
  readonly codec: G711Codec;
  readonly #session: RtpSession;
  readonly #srtp: SrtpStream | undefined;
  readonly #media: NegotiatedMedia;
  readonly #dtmf = new DtmfReceiver();
  readonly #digits = new Listeners<[string]>(() => undefined);
  readonly #unsubscribeClock: () => void;
  #playback: Playback | undefined;
  #talkspurt = true;
  #capture: Capture | undefined;
  #lastJitter: JitterBuffer | undefined;
  #played = 0;
  readonly #lateness: number[] = [];
  // The send options of a talkspurt's first packet (marker set, RFC 3551 §4.1) and of the others:
  // made once, not an object per packet.
  readonly #firstOpts: RtpSendOptions;
  readonly #nextOpts: RtpSendOptions;
  // Likewise each received payload is decoded here (an array of the payload's length, made again
  // only when that length changes): JitterBuffer.pushSamples() copies what it keeps.
  #decoded = new Int16Array(FRAME_SAMPLES);
  #closed = false;

  constructor(options: MediaChannelOptions) {
    const { media } = options;
    this.#media = media;
    this.codec = media.codec;
    this.#firstOpts = { payloadType: media.payloadType, timestampStep: FRAME_SAMPLES, marker: true };
    this.#nextOpts = { payloadType: media.payloadType, timestampStep: FRAME_SAMPLES, marker: false };
    // OpenSSL when native/srtpcrypto is built, else libsrtp2, else node:crypto (create-transform.ts).
    this.#srtp = media.srtp ? createSrtpTransform({ suite: media.srtp.suite, localKey: media.srtp.localKey, remoteKey: media.srtp.remoteKey }) : undefined;
    const transform: RtpTransform | undefined = this.#srtp;
    this.#session = new RtpSession({
      ports: options.ports,
      remote: media.remote,
      ...(transform ? { transform } : {}),
      ...(options.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: options.rtcpIntervalMs } : {}),
      ...(options.out ? { out: options.out } : {}),
    });
    this.localPort = this.#session.localPort;
    this.#session.onPayload((h, datagram) => this.#receive(h, datagram));
    this.#dtmf.onDigit((digit) => this.#digits.emit(digit));
    // Sending and capturing are two phases of the clock's tick (media-clock.ts): every call's packet
    // goes out before any call's receive and capture work.
    const unsend = options.clock.subscribe((lateness) => this.#sendTick(lateness), { phase: 'send' });
    const uncapture = options.clock.subscribe(() => this.#captureTick());
    this.#unsubscribeClock = () => {
      unsend();
      uncapture();
    };
  }

  /** Digits the caller presses, each once (RFC 4733 §2.5.2). */
  onDigit(handler: (digit: string) => void): Unsubscribe {
    return this.#digits.add(handler);
  }

  /**
   * Plays 8 kHz samples; resolves true when the last frame has gone out, false when stopped
   * (stopPlayback, another play, close). One playback at a time.
   */
  play(samples: Int16Array): Promise<boolean> {
    return this.playEncoded(encodedPrompt(samples, this.codec));
  }

  /**
   * play() of payloads already encoded in this channel's codec (encodedPrompt(): whole 20 ms
   * frames; a shorter last frame goes as it is). Read, never written; not copied.
   */
  playEncoded(payloads: Buffer): Promise<boolean> {
    this.stopPlayback();
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#playback = { payloads, at: 0, resolve };
      this.#talkspurt = true;
    });
  }

  stopPlayback(): void {
    const p = this.#playback;
    this.#playback = undefined;
    p?.resolve(false);
  }

  /**
   * Starts taking the caller's audio: every tick the handler gets the next 20 ms frame from the
   * jitter buffer (real, concealed or silence), or null while the buffer fills or nothing came.
   */
  startCapture(handler: CaptureHandler): void {
    this.#capture = { handler, jitter: undefined, owedMs: 0 };
  }

  /** Stops taking audio; returns the frames still held in the jitter buffer (in order). */
  stopCapture(): Int16Array[] {
    const c = this.#capture;
    this.#capture = undefined;
    if (!c) return [];
    this.#lastJitter = c.jitter;
    return c.jitter?.drain().map((f) => f.samples) ?? [];
  }

  stats(): MediaChannelStats {
    const sorted = [...this.#lateness].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0 : 0);
    return {
      rtp: this.#session.stats(),
      srtp: this.#srtp ? { ...this.#srtp.stats(), implementation: this.#srtp.implementation } : undefined,
      jitter: (this.#capture?.jitter ?? this.#lastJitter)?.stats,
      dtmf: this.#dtmf.stats,
      played: this.#played,
      sendLatenessMs: { p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) },
    };
  }

  /** Ends the media: RTCP BYE, ports freed. Resolves when the ports are free. */
  close(reason?: string): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#unsubscribeClock();
      this.stopPlayback();
      this.#dtmf.flush();
      this.#digits.clear();
      this.#session.close(reason);
      // The BYE is protected on the way out: free the SRTP sessions only once it has gone.
      const srtp = this.#srtp;
      if (srtp) void this.#session.closed.then(() => srtp.close());
    }
    return this.#session.closed;
  }

  #receive(h: RtpHeaderView, datagram: Buffer): void {
    const pt = h.payloadType;
    const at = h.payloadOffset;
    const n = h.payloadLength;
    if (pt === this.#media.telephoneEvent) {
      this.#dtmf.push({ payload: datagram.subarray(at, at + n), timestamp: h.timestamp, marker: h.marker });
    } else if (pt === this.#media.payloadType && this.#capture) {
      const c = this.#capture;
      c.jitter ??= new JitterBuffer({ frameSamples: packetSamples(n) });
      if (this.#decoded.length !== n) this.#decoded = new Int16Array(n);
      decodeRange(datagram, at, n, this.codec, this.#decoded);
      c.jitter.pushSamples(h.sequenceNumber, h.timestamp, this.#decoded);
    }
  }

  #sendTick(lateness: number): void {
    const p = this.#playback;
    // No prompt playing: nothing is sent, but the stream's clock runs on (RFC 3550 §5.1), so the
    // next prompt's first packet (marker set, RFC 3551 §4.1) carries the time that passed.
    if (!p) this.#session.idle(FRAME_SAMPLES);
    if (p) {
      const length = Math.min(FRAME_SAMPLES, p.payloads.length - p.at);
      if (length > 0) {
        this.#session.send(p.payloads, this.#talkspurt ? this.#firstOpts : this.#nextOpts, p.at, length);
        p.at += length;
        this.#talkspurt = false;
        this.#played++;
        if (this.#lateness.length < MAX_LATENESS_SAMPLES) this.#lateness.push(lateness);
        else this.#lateness[Math.floor(Math.random() * MAX_LATENESS_SAMPLES)] = lateness;
      }
      if (p.at >= p.payloads.length) {
        this.#playback = undefined;
        p.resolve(true);
      }
    }
  }

  #captureTick(): void {
    const c = this.#capture;
    if (c) {
      if (!c.jitter) return c.handler(null, 'none', FRAME_MS);
      c.owedMs += FRAME_MS;
      while (c.owedMs >= c.jitter.frameMs && this.#capture === c) {
        c.owedMs -= c.jitter.frameMs;
        const f = c.jitter.pop();
        c.handler(f?.samples ?? null, f?.kind ?? 'none', c.jitter.frameMs);
      }
    }
  }
}

const FRAME_MS = (FRAME_SAMPLES / 8000) * 1000;

/** Samples per packet from a G.711 payload (one byte a sample): 10-60 ms in 10 ms steps, else 20 ms. */
function packetSamples(bytes: number): number {
  return bytes >= 80 && bytes <= 480 && bytes % 80 === 0 ? bytes : FRAME_SAMPLES;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
