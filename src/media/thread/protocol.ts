// Messages between a worker's event loop and its media thread (thread-media-host.ts and
// media-thread.ts). Ids name a lease, then the call's media on it. Captured audio crosses as one
// packed batch per flush (a few a frame time), not one message per frame: at 1,000 calls that is
// 50,000 frames a second.
import type { FrameKind } from '../audio/jitter-buffer.js';
import type { MediaChannelStats, NegotiatedMedia } from '../media-channel.js';
import type { RtpRange } from '../media-host.js';
import type { MediaPriority } from './media-priority.js';

export type ToThread =
  | { t: 'alloc'; req: number; address: string; range: RtpRange }
  | { t: 'release'; id: number }
  | { t: 'open'; id: number; media: NegotiatedMedia }
  /** payloads: the prompt encoded in the call's codec (encodedPrompt(), in a SharedArrayBuffer: shared, not copied) */
  | { t: 'play'; id: number; play: number; payloads: Uint8Array }
  | { t: 'stopPlayback'; id: number }
  | { t: 'startCapture'; id: number; cap: number }
  | { t: 'stopCapture'; id: number; req: number }
  | { t: 'end'; id: number; req: number; reason?: string }
  | { t: 'stop'; req: number };

/** Per frame in a batch: id, capture generation, kind (KINDS index, -1: none), ms, samples. */
export const FRAME_FIELDS = 5;

export type FromThread =
  | { t: 'alloc'; req: number; id: number; port: number }
  | { t: 'failed'; req: number; message: string }
  | { t: 'played'; id: number; play: number; completed: boolean }
  | { t: 'digit'; id: number; digit: string }
  | { t: 'frames'; meta: Float64Array; samples: Int16Array }
  | { t: 'stopped'; req: number; frames: Int16Array[] }
  | { t: 'ended'; req: number; stats: MediaChannelStats }
  | { t: 'stopped-all'; req: number }
  /** once, when the thread starts: the scheduling priority it got (media-priority.ts) */
  | { t: 'priority'; priority: MediaPriority };

export const KINDS: readonly (FrameKind | 'none')[] = ['audio', 'concealed', 'silence', 'none'];
