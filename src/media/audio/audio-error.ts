// Typed errors of the audio modules (media/ may import no other layer, so the codes live here;
// a caller in services/ maps them onto src/errors.ts: BAD_ARGUMENT, FILE_NOT_FOUND, INTERNAL).
import { CodedError } from '../../errors.js';

export const AUDIO_ERROR_CODES = {
  BAD_ARGUMENT: 'A codec, sample rate, frame size, language or prompt name is not allowed.',
  BAD_WAV: 'A WAV file is truncated, is not RIFF/WAVE PCM, or is not 16-bit mono at the expected rate.',
  PROMPT_NOT_FOUND: 'No prompt asset has that name, in the language asked for nor in en-US.',
  RECORDER_CLOSED: 'A recording was written to after finish() or after a write failed.',
} as const;

export type AudioErrorCode = keyof typeof AUDIO_ERROR_CODES;

export class AudioError extends CodedError<AudioErrorCode> {
  constructor(code: AudioErrorCode, message: string, options?: { cause?: unknown }) {
    super('AudioError', code, message, options);
  }
}
