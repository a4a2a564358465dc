// One call's media as the worker's event loop sees it when the media runs on the media thread:
// the MediaEndpoint surface over protocol.ts messages. Plays and captures are numbered, so an
// answer about an earlier one (a play the thread finished just as a new one was asked for, frames
// of a capture already stopped) is told apart and dropped or kept as the local channel would.
import { encodedPrompt } from '../audio/encoded-prompt.js';
import type { G711Codec } from '../audio/g711.js';
import type { FrameKind } from '../audio/jitter-buffer.js';
import type { CaptureHandler, MediaChannelStats } from '../media-channel.js';
import type { MediaEndpoint } from '../media-host.js';
import { Listeners, type Unsubscribe } from '../rtp/listeners.js';
import { zeroCounters } from '../rtp/rtp-session-options.js';
import type { ToThread } from './protocol.js';

export interface EndpointLink {
  send(m: ToThread): void;
  request<T>(build: (req: number) => ToThread): Promise<T>;
  forget(): void;
}

interface Capture {
  cap: number;
  handler: CaptureHandler;
  /** Set once stopCapture was asked: frames still arriving belong to what it returns. */
  rest: Int16Array[] | undefined;
}

export class RemoteEndpoint implements MediaEndpoint {
  readonly localPort: number;
  readonly #id: number;
  readonly #link: EndpointLink;
  readonly #codec: G711Codec;
  readonly #digits = new Listeners<[string]>(() => undefined);
  #play: { n: number; resolve(completed: boolean): void } | undefined;
  #nextPlay = 1;
  #capture: Capture | undefined;
  #nextCap = 1;
  #ended: Promise<MediaChannelStats> | undefined;
  #lost = false;

  constructor(id: number, localPort: number, codec: G711Codec, link: EndpointLink) {
    this.#id = id;
    this.localPort = localPort;
    this.#codec = codec;
    this.#link = link;
  }

  onDigit(handler: (digit: string) => void): Unsubscribe {
    return this.#digits.add(handler);
  }

  play(samples: Int16Array): Promise<boolean> {
    this.#resolvePlay(false);
    if (this.#ended || this.#lost) return Promise.resolve(false);
    const n = this.#nextPlay++;
    return new Promise((resolve) => {
      this.#play = { n, resolve };
      // Encoded here, once per prompt and codec, into shared memory: the media thread gets the
      // payloads without a copy and without encoding work between its ticks.
      this.#link.send({ t: 'play', id: this.#id, play: n, payloads: encodedPrompt(samples, this.#codec, { shared: true }) });
    });
  }

  stopPlayback(): void {
    if (!this.#play) return;
    this.#resolvePlay(false);
    this.#link.send({ t: 'stopPlayback', id: this.#id });
  }

  startCapture(handler: CaptureHandler): void {
    const cap = this.#nextCap++;
    this.#capture = { cap, handler, rest: undefined };
    if (!this.#ended && !this.#lost) this.#link.send({ t: 'startCapture', id: this.#id, cap });
  }

  async stopCapture(): Promise<Int16Array[]> {
    const c = this.#capture;
    if (!c || this.#lost) {
      this.#capture = undefined;
      return [];
    }
    c.rest = [];
    const held = await this.#link.request<Int16Array[]>((req) => ({ t: 'stopCapture', id: this.#id, req })).catch(() => []);
    if (this.#capture === c) this.#capture = undefined;
    return [...c.rest, ...held];
  }

  end(reason?: string): Promise<MediaChannelStats> {
    this.#resolvePlay(false);
    this.#digits.clear();
    this.#ended ??= this.#lost
      ? Promise.resolve(emptyStats())
      : this.#link.request<MediaChannelStats>((req) => ({ t: 'end', id: this.#id, req, ...(reason !== undefined ? { reason } : {}) }))
        .catch(() => emptyStats())
        .finally(() => this.#link.forget());
    return this.#ended;
  }

  // From the host, as the thread's messages arrive.

  played(n: number, completed: boolean): void {
    if (this.#play?.n === n) this.#resolvePlay(completed);
  }

  digit(digit: string): void {
    this.#digits.emit(digit);
  }

  frame(cap: number, frame: Int16Array | null, kind: FrameKind | 'none', ms: number): void {
    const c = this.#capture;
    if (!c || c.cap !== cap) return;
    // The frame is a view on the batch the thread sent, which nothing else holds or reuses: the
    // handler may keep it without a copy.
    if (c.rest) {
      if (frame) c.rest.push(frame);
      return;
    }
    c.handler(frame, kind, ms);
  }

  /** The thread died: nothing more will come. */
  lost(): void {
    this.#lost = true;
    this.#resolvePlay(false);
    this.#capture = undefined;
  }

  #resolvePlay(completed: boolean): void {
    const p = this.#play;
    this.#play = undefined;
    p?.resolve(completed);
  }
}

/** Statistics of media that ended without the thread to ask (it died): nothing counted. */
export function emptyStats(): MediaChannelStats {
  return {
    rtp: {
      ...zeroCounters(), localSsrc: 0, remoteSsrc: undefined, expected: 0, lost: 0, highestSequence: 0, jitterMs: 0,
      latched: undefined, peer: undefined, peerSender: undefined, byeReceived: false,
    },
    srtp: undefined, jitter: undefined, dtmf: { packets: 0, digits: 0, malformed: 0, ignored: 0, duplicates: 0 },
    played: 0, sendLatenessMs: { p50: 0, p99: 0, max: 0 },
  };
}
