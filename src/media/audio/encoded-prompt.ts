// A prompt's G.711 payloads, encoded once per codec (RFC 3551 §4.5.14: the payload is the byte
// string of the samples), so the 20 ms clock only points at the next frame instead of encoding
// it on every tick. Cached per samples array: a prompt the library hands to many calls (a
// greeting, a menu) is encoded once; the cache holds the arrays weakly, so an unused prompt goes.
import { encodeInto, type G711Codec } from './g711.js';
import { FRAME_SAMPLES } from './prompt-library.js';

const cache = new WeakMap<Int16Array, Partial<Record<G711Codec, readonly Buffer[]>>>();

/**
 * The payloads of `samples` in frames of `frameSamples` (the last padded with silence, as frames()
 * pads it): views into one buffer, each frameSamples bytes. Do not write into them: they are shared.
 */
export function encodedFrames(samples: Int16Array, codec: G711Codec, frameSamples = FRAME_SAMPLES): readonly Buffer[] {
  const useCache = frameSamples === FRAME_SAMPLES;
  const cached = useCache ? cache.get(samples)?.[codec] : undefined;
  if (cached) return cached;
  const count = Math.ceil(samples.length / frameSamples);
  const padded = new Int16Array(count * frameSamples);
  padded.set(samples);
  const bytes = encodeInto(padded, codec, Buffer.allocUnsafeSlow(padded.length));
  const out: Buffer[] = new Array<Buffer>(count);
  for (let i = 0; i < count; i++) out[i] = bytes.subarray(i * frameSamples, (i + 1) * frameSamples);
  if (useCache) {
    const perCodec = cache.get(samples) ?? {};
    perCodec[codec] = out;
    cache.set(samples, perCodec);
  }
  return out;
}
