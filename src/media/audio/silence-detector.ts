// Silence detection on 20 ms frames for the recording idle timeout: a frame is silent when its
// RMS is below a threshold in dBFS (-45 dBFS by default, well above the noise of a G.711 line,
// around -60 dBFS, and well below speech, around -20 dBFS); the recording ends after
// `timeoutMs` (5 s by default) of consecutive silent frames.
import { AudioError } from './audio-error.js';
import { levels, toDbfs } from './recording-stats.js';

export interface SilenceDetectorOptions {
  thresholdDbfs?: number;
  timeoutMs?: number;
  sampleRate?: number;
}

/** RMS level of a frame in dBFS (-Infinity for digital silence). */
export function frameDbfs(frame: Int16Array): number {
  return toDbfs(levels(frame).rms);
}

export function isSilent(frame: Int16Array, thresholdDbfs = -45): boolean {
  return frameDbfs(frame) < thresholdDbfs;
}

export class SilenceDetector {
  readonly thresholdDbfs: number;
  readonly timeoutMs: number;
  readonly #sampleRate: number;
  #silentSamples = 0;

  constructor(options: SilenceDetectorOptions = {}) {
    this.thresholdDbfs = options.thresholdDbfs ?? -45;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.#sampleRate = options.sampleRate ?? 8000;
    if (!(this.timeoutMs > 0) || !(this.#sampleRate > 0) || Number.isNaN(this.thresholdDbfs)) {
      throw new AudioError('BAD_ARGUMENT', 'silence detector needs a positive timeout and sample rate and a threshold');
    }
  }

  /** Length of the current run of silence, in ms. */
  get silentMs(): number {
    return (this.#silentSamples / this.#sampleRate) * 1000;
  }

  /** True once the current run of silence has lasted timeoutMs (and for every frame after). */
  get timedOut(): boolean {
    return this.silentMs >= this.timeoutMs;
  }

  /** Feeds one frame; returns whether the idle timeout has been reached. */
  push(frame: Int16Array): boolean {
    if (isSilent(frame, this.thresholdDbfs)) this.#silentSamples += frame.length;
    else this.#silentSamples = 0;
    return this.timedOut;
  }

  reset(): void {
    this.#silentSamples = 0;
  }
}
