// A prompt's G.711 payloads, encoded once per codec (RFC 3551 §4.5.14: the payload is the byte
// string of the samples), so the 20 ms clock only points at the next frame instead of encoding
// it on every tick. One buffer of whole frames, the last padded with encoded silence, and no
// object per frame: a media thread playing 7 s greetings to 500 calls being set up held 170,000
// frame views, which its young-generation collections copied and promoted while the greetings
// played (bench/README.md, "Set-up and the media thread's collections").
// Cached per samples array: a prompt the library hands to many calls (a greeting, a menu) is
// encoded once; the cache holds the arrays weakly, so an unused prompt goes. `shared`: in a
// SharedArrayBuffer, for the worker's event loop to hand to its media thread without a copy
// (thread/remote-endpoint.ts): posting it shares the memory. Nobody writes into a cached prompt.
import { encodeInto, type G711Codec } from './g711.js';
import { FRAME_SAMPLES } from './prompt-library.js';

type CacheKey = G711Codec | `${G711Codec}/shared`;
const cache = new WeakMap<Int16Array, Partial<Record<CacheKey, Buffer>>>();
const silence = new Map<G711Codec, number>();

function silenceOf(codec: G711Codec): number {
  let s = silence.get(codec);
  if (s === undefined) {
    s = encodeInto(new Int16Array(1), codec, Buffer.alloc(1))[0]!;
    silence.set(codec, s);
  }
  return s;
}

/**
 * The payloads of `samples` as one buffer of whole frames of `frameSamples` octets (the last
 * padded with silence, as frames() pads it): frame i is octets [i * frameSamples, (i + 1) *
 * frameSamples). Do not write into it: it is shared.
 */
export function encodedPrompt(samples: Int16Array, codec: G711Codec, options: { frameSamples?: number; shared?: boolean } = {}): Buffer {
  const frameSamples = options.frameSamples ?? FRAME_SAMPLES;
  const key: CacheKey = options.shared ? `${codec}/shared` : codec;
  const useCache = frameSamples === FRAME_SAMPLES;
  const cached = useCache ? cache.get(samples)?.[key] : undefined;
  if (cached) return cached;
  const length = Math.ceil(samples.length / frameSamples) * frameSamples;
  const out = options.shared ? Buffer.from(new SharedArrayBuffer(length)) : Buffer.allocUnsafeSlow(length);
  encodeInto(samples, codec, out);
  out.fill(silenceOf(codec), samples.length);
  if (useCache) {
    const perCodec = cache.get(samples) ?? {};
    perCodec[key] = out;
    cache.set(samples, perCodec);
  }
  return out;
}
