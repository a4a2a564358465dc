// The canonical 44-byte RIFF/WAVE header for PCM (Microsoft "Multimedia Programming Interface
// and Data Specifications 1.0", WAVE_FORMAT_PCM), as the recorder writes it, and a bounded
// reader that finds the fmt and data chunks of any PCM WAV (for repairing a crashed recording).
import { AudioError } from './audio-error.js';

export const WAV_HEADER_LENGTH = 44;
/** Size written while recording: "unknown", until finish() or repairWav() patches it. */
export const UNKNOWN_SIZE = 0xffffffff;
const MAX_CHUNKS = 64;

export interface PcmFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/*
 *  offset  size  field
 *     0     4    "RIFF"
 *     4     4    RIFF size = 36 + data size (little-endian, like every field)
 *     8     4    "WAVE"
 *    12     4    "fmt "
 *    16     4    fmt size = 16
 *    20     2    format = 1 (PCM)
 *    22     2    channels
 *    24     4    sample rate
 *    28     4    byte rate = rate × block align
 *    32     2    block align = channels × bits / 8
 *    34     2    bits per sample
 *    36     4    "data"
 *    40     4    data size in bytes
 *    44          samples
 */
export function wavHeader(format: PcmFormat, dataBytes: number | 'unknown'): Buffer {
  const h = Buffer.alloc(WAV_HEADER_LENGTH);
  const blockAlign = (format.channels * format.bitsPerSample) / 8;
  const riff = dataBytes === 'unknown' ? UNKNOWN_SIZE : Math.min(UNKNOWN_SIZE, 36 + dataBytes);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(riff, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(format.channels, 22);
  h.writeUInt32LE(format.sampleRate, 24);
  h.writeUInt32LE(format.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(format.bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes === 'unknown' ? UNKNOWN_SIZE : dataBytes, 40);
  return h;
}

export interface WavLayout extends PcmFormat {
  /** Offset of the data chunk's size field. */
  dataSizeOffset: number;
  /** Offset of the first sample. */
  dataOffset: number;
}

/** Walks the chunks of `head` (the first bytes of a file) to the data chunk; throws BAD_WAV. */
export function parseWavLayout(head: Buffer): WavLayout {
  const bad = (why: string): AudioError => new AudioError('BAD_WAV', `not a PCM WAV file: ${why}`);
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('no RIFF/WAVE signature');
  }
  let format: PcmFormat | undefined;
  let pos = 12;
  for (let n = 0; n < MAX_CHUNKS && pos + 8 <= head.length; n++) {
    const id = head.toString('ascii', pos, pos + 4);
    const size = head.readUInt32LE(pos + 4);
    if (id === 'data') {
      if (!format) throw bad('data chunk before fmt chunk');
      return { ...format, dataSizeOffset: pos + 4, dataOffset: pos + 8 };
    }
    if (id === 'fmt ') {
      if (size < 16 || pos + 8 + 16 > head.length) throw bad('short fmt chunk');
      const tag = head.readUInt16LE(pos + 8);
      if (tag !== 1 && tag !== 0xfffe) throw bad(`format tag ${tag} is not PCM`);
      format = {
        channels: head.readUInt16LE(pos + 10),
        sampleRate: head.readUInt32LE(pos + 12),
        bitsPerSample: head.readUInt16LE(pos + 22),
      };
      if (format.channels < 1 || format.bitsPerSample % 8 !== 0 || format.bitsPerSample === 0) throw bad('bad fmt fields');
    }
    pos += 8 + size + (size & 1); // chunks are word-aligned
  }
  throw bad('no data chunk in the header');
}
