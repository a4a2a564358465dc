// Level statistics of a recording: duration, peak and RMS overall and per window (100 ms by
// default), the "loudness envelope" that tests compare between what was sent and what was
// recorded. Levels are linear 0-1 of full scale (32768) and in dBFS (-Infinity for zeros).

export interface LevelWindow {
  startMs: number;
  peak: number;
  rms: number;
  rmsDbfs: number;
}

export interface RecordingStats {
  durationMs: number;
  peak: number;
  peakDbfs: number;
  rms: number;
  rmsDbfs: number;
  envelope: LevelWindow[];
}

export const toDbfs = (level: number): number => (level > 0 ? 20 * Math.log10(level) : -Infinity);

/** Peak and RMS (0-1 of full scale) of samples[from, to). */
export function levels(samples: Int16Array, from = 0, to = samples.length): { peak: number; rms: number } {
  let peak = 0;
  let sum = 0;
  for (let i = from; i < to; i++) {
    const s = samples[i] as number;
    const a = s < 0 ? -s : s;
    if (a > peak) peak = a;
    sum += s * s;
  }
  const n = to - from;
  return { peak: peak / 32768, rms: n > 0 ? Math.sqrt(sum / n) / 32768 : 0 };
}

export function recordingStats(samples: Int16Array, sampleRate = 8000, windowMs = 100): RecordingStats {
  const all = levels(samples);
  const win = Math.max(1, Math.round((sampleRate * windowMs) / 1000));
  const envelope: LevelWindow[] = [];
  for (let from = 0; from < samples.length; from += win) {
    const w = levels(samples, from, Math.min(samples.length, from + win));
    envelope.push({ startMs: (from / sampleRate) * 1000, peak: w.peak, rms: w.rms, rmsDbfs: toDbfs(w.rms) });
  }
  return {
    durationMs: (samples.length / sampleRate) * 1000,
    peak: all.peak,
    peakDbfs: toDbfs(all.peak),
    rms: all.rms,
    rmsDbfs: toDbfs(all.rms),
    envelope,
  };
}
