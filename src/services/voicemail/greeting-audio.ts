// Turns an uploaded greeting into what the worker plays: 8 kHz mono 16-bit PCM WAV with the
// canonical 44-byte header. Any PCM or IEEE-float WAV is accepted (WAVE_FORMAT_PCM, _IEEE_FLOAT,
// or _EXTENSIBLE with either subformat), at any rate, channel count and bit depth: channels are
// averaged, the rate converted by a windowed-sinc low-pass interpolator (resample.ts), samples
// rounded and clipped to 16 bits. At most 5 minutes (MAX_GREETING_MS), checked before any work.
// The conversion itself is GreetingDecoder (greeting-stream.ts), which the admin API feeds as an
// upload arrives; a file already in memory (the CLI's) is fed to it whole.
import type { Greeting } from '../../org/user-greetings.js';
import { GreetingDecoder } from './greeting-stream.js';

export { GREETING_RATE } from './greeting-stream.js';

export function toGreetingWav(input: Buffer): Greeting {
  const d = new GreetingDecoder(input.length);
  d.push(input);
  return d.end();
}
