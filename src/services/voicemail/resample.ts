// Sample-rate conversion for uploaded greetings: band-limited interpolation (J. O. Smith, "Digital
// Audio Resampling", the windowed-sinc method). Each output sample is the input convolved with a
// Blackman-windowed sinc low-pass at 0.45 of the lower of the two rates, centred on the output
// instant; the kernel is tabulated (512 phases per input sample, linear interpolation between)
// so no trigonometry runs per tap. Normalising by the weights' sum keeps the gain at 1 at the
// edges. 5 minutes from 48 kHz take about a second.

const ZERO_CROSSINGS = 8;
const PHASES = 512;

function blackman(u: number): number {
  return 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
}

export function resample(input: Float32Array, inRate: number, outRate: number): Float32Array {
  if (inRate === outRate) return input;
  const ratio = inRate / outRate; // input samples per output sample
  const fc = 0.45 * Math.min(1, outRate / inRate); // cut-off, cycles per input sample
  const half = Math.ceil(ZERO_CROSSINGS / (2 * fc)); // kernel half-width, input samples
  const table = new Float32Array(half * PHASES + 2);
  for (let k = 0; k < table.length; k++) {
    const d = k / PHASES;
    if (d >= half) break;
    const x = 2 * fc * d;
    table[k] = 2 * fc * (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * blackman(d / half);
  }
  const n = Math.floor(input.length / ratio);
  const out = new Float32Array(n);
  const last = input.length - 1;
  for (let j = 0; j < n; j++) {
    const t = j * ratio;
    const from = Math.max(0, Math.ceil(t - half));
    const to = Math.min(last, Math.floor(t + half));
    let acc = 0;
    let sum = 0;
    for (let i = from; i <= to; i++) {
      const d = Math.abs(i - t) * PHASES;
      const k = d | 0;
      const a = table[k] ?? 0;
      const w = a + ((table[k + 1] ?? 0) - a) * (d - k);
      acc += (input[i] ?? 0) * w;
      sum += w;
    }
    out[j] = sum > 0 ? acc / sum : 0;
  }
  return out;
}

/**
 * The same conversion fed in pieces: the same kernel and arithmetic as resample(), so the output
 * is identical sample for sample, holding only the input a kernel width around the next output
 * instant (an upload is converted as it arrives instead of after it is whole in memory).
 */
export class StreamResampler {
  readonly #ratio: number;
  readonly #half: number;
  readonly #table: Float32Array;
  readonly #same: boolean;
  #buf = new Float32Array(8192);
  /** Absolute index of #buf[0], and how many input samples #buf holds. */
  #start = 0;
  #len = 0;
  /** The next output sample's index. */
  #next = 0;

  constructor(inRate: number, outRate: number) {
    this.#same = inRate === outRate;
    this.#ratio = inRate / outRate;
    const fc = 0.45 * Math.min(1, outRate / inRate);
    this.#half = Math.ceil(ZERO_CROSSINGS / (2 * fc));
    this.#table = new Float32Array(this.#same ? 0 : this.#half * PHASES + 2);
    for (let k = 0; k < this.#table.length; k++) {
      const d = k / PHASES;
      if (d >= this.#half) break;
      const x = 2 * fc * d;
      this.#table[k] = 2 * fc * (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * blackman(d / this.#half);
    }
  }

  /** Adds input samples; emits every output sample whose kernel they complete. */
  push(input: Float32Array, emit: (v: number) => void): void {
    if (this.#same) {
      for (const v of input) emit(v);
      return;
    }
    this.#append(input);
    const received = this.#start + this.#len;
    for (;;) {
      const t = this.#next * this.#ratio;
      if (Math.floor(t + this.#half) > received - 1) break;
      emit(this.#at(t, received - 1));
      this.#next++;
    }
  }

  /** The output samples left once the input has ended (the batch conversion's count). */
  end(emit: (v: number) => void): void {
    if (this.#same) return;
    const received = this.#start + this.#len;
    const n = Math.floor(received / this.#ratio);
    for (; this.#next < n; this.#next++) emit(this.#at(this.#next * this.#ratio, received - 1));
  }

  #at(t: number, last: number): number {
    const from = Math.max(0, Math.ceil(t - this.#half));
    const to = Math.min(last, Math.floor(t + this.#half));
    let acc = 0;
    let sum = 0;
    for (let i = from; i <= to; i++) {
      const d = Math.abs(i - t) * PHASES;
      const k = d | 0;
      const a = this.#table[k] ?? 0;
      const w = a + ((this.#table[k + 1] ?? 0) - a) * (d - k);
      acc += (this.#buf[i - this.#start] ?? 0) * w;
      sum += w;
    }
    // Float32, as the batch conversion stores it.
    return Math.fround(sum > 0 ? acc / sum : 0);
  }

  #append(input: Float32Array): void {
    // Input before the next output's kernel is no longer needed.
    const keepFrom = Math.max(this.#start, Math.ceil(this.#next * this.#ratio - this.#half) - 1);
    const drop = Math.min(this.#len, keepFrom - this.#start);
    if (drop > 0) {
      this.#buf.copyWithin(0, drop, this.#len);
      this.#start += drop;
      this.#len -= drop;
    }
    if (this.#len + input.length > this.#buf.length) {
      const bigger = new Float32Array(Math.max(this.#buf.length * 2, this.#len + input.length));
      bigger.set(this.#buf.subarray(0, this.#len));
      this.#buf = bigger;
    }
    this.#buf.set(input, this.#len);
    this.#len += input.length;
  }
}
