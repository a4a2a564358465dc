// Records the microphone into a 16-bit PCM mono WAV in the browser: getUserMedia → a
// ScriptProcessor that copies the samples (an AudioWorklet would need a module URL, which the
// content security policy's script-src 'self' makes awkward for little gain) → a RIFF file at the
// audio context's rate. The server resamples greetings to 8 kHz itself.

export interface Recording {
  stop: () => Promise<Blob>;
  /** Stops and throws the audio away (page left, user cancelled). */
  abort: () => void;
}

/** Longest recording kept (the server allows a greeting of 5 minutes). */
const MAX_SECONDS = 300;

export async function startRecording(): Promise<Recording> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(stream);
  const processor = ctx.createScriptProcessor(4096, 1, 1);
  const chunks: Float32Array[] = [];
  let frames = 0;
  processor.onaudioprocess = (e) => {
    if (frames >= MAX_SECONDS * ctx.sampleRate) return;
    const copy = new Float32Array(e.inputBuffer.getChannelData(0));
    chunks.push(copy);
    frames += copy.length;
  };
  source.connect(processor);
  // Chrome runs a ScriptProcessor only when it is connected onwards; its output is silence.
  processor.connect(ctx.destination);
  // Once only: stop() and the page's clean-up (abort) may both end the same recording.
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    processor.disconnect();
    source.disconnect();
    for (const track of stream.getTracks()) track.stop();
    void ctx.close();
  };
  return {
    stop: async () => {
      const rate = ctx.sampleRate;
      end();
      return encodeWav(chunks, rate);
    },
    abort: end,
  };
}

export function encodeWav(chunks: Float32Array[], rate: number): Blob {
  const frames = chunks.reduce((n, c) => n + c.length, 0);
  const buf = new ArrayBuffer(44 + frames * 2);
  const v = new DataView(buf);
  const text = (at: number, s: string) => { for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i)); };
  text(0, 'RIFF');
  v.setUint32(4, 36 + frames * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  text(36, 'data');
  v.setUint32(40, frames * 2, true);
  let at = 44;
  for (const c of chunks) {
    for (const s of c) {
      v.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(s * 32767))), true);
      at += 2;
    }
  }
  return new Blob([buf], { type: 'audio/wav' });
}
