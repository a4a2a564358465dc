// The captured frames of one flush of the media thread, packed as they are captured: a row of
// FRAME_FIELDS numbers per frame in `meta` and the samples one after another in `samples`. No
// object per frame and no copy at the flush: take() hands both arrays over (to be transferred to
// the worker's event loop) and starts new ones as large as the largest batch so far, so at 1,000
// calls (50,000 frames a second) a tick allocates two arrays, not thousands of small ones.
import { FRAME_FIELDS, KINDS } from './protocol.js';
import type { FrameKind } from '../audio/jitter-buffer.js';

const START_FRAMES = 64;
const START_SAMPLES = START_FRAMES * 160;

export interface PackedFrames {
  meta: Float64Array;
  samples: Int16Array;
}

export class FrameBatch {
  #meta = new Float64Array(START_FRAMES * FRAME_FIELDS);
  #samples = new Int16Array(START_SAMPLES);
  #rows = 0;
  #used = 0;

  get size(): number {
    return this.#rows;
  }

  add(id: number, cap: number, kind: FrameKind | 'none', ms: number, frame: Int16Array | null): void {
    const at = this.#rows * FRAME_FIELDS;
    if (at + FRAME_FIELDS > this.#meta.length) this.#meta = grown(this.#meta, at + FRAME_FIELDS);
    const length = frame ? frame.length : -1;
    if (frame) {
      if (this.#used + length > this.#samples.length) this.#samples = grown(this.#samples, this.#used + length);
      this.#samples.set(frame, this.#used);
      this.#used += length;
    }
    const meta = this.#meta;
    meta[at] = id;
    meta[at + 1] = cap;
    meta[at + 2] = KINDS.indexOf(kind);
    meta[at + 3] = ms;
    meta[at + 4] = length;
    this.#rows++;
  }

  /** The frames so far (views on arrays nobody else holds: transfer their buffers); the batch starts empty. */
  take(): PackedFrames {
    const out = { meta: this.#meta.subarray(0, this.#rows * FRAME_FIELDS), samples: this.#samples.subarray(0, this.#used) };
    this.#meta = new Float64Array(this.#meta.length);
    this.#samples = new Int16Array(this.#samples.length);
    this.#rows = 0;
    this.#used = 0;
    return out;
  }
}

function grown<T extends Float64Array | Int16Array>(a: T, need: number): T {
  let length = a.length * 2;
  while (length < need) length *= 2;
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** Walks a packed batch (on the receiving side): `each` gets a view on the batch's samples. */
export function eachFrame(
  packed: PackedFrames,
  each: (id: number, cap: number, kind: FrameKind | 'none', ms: number, frame: Int16Array | null) => void,
): void {
  const { meta, samples } = packed;
  let at = 0;
  for (let i = 0; i < meta.length; i += FRAME_FIELDS) {
    const length = meta[i + 4]!;
    const frame = length < 0 ? null : samples.subarray(at, at + length);
    if (length > 0) at += length;
    each(meta[i]!, meta[i + 1]!, KINDS[meta[i + 2]!] ?? 'none', meta[i + 3]!, frame);
  }
}
