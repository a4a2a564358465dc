// Where voice-message audio lives: `<data dir>/voicemail/<message key>.wav`, stored in the row
// relative to the data directory. Paths read from the store are resolved only inside that
// folder, so a damaged or hostile row cannot make a command read or delete another file.
import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { OpenUmError } from '../errors.js';

export const VOICEMAIL_DIR = 'voicemail';

/** The relative path a new recording is written to. */
export function audioPathFor(key: string, format: 'WAV' | 'MP3' = 'WAV'): string {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(key)) throw new OpenUmError('INTERNAL', `"${key}" is not a voice message key`);
  return `${VOICEMAIL_DIR}/${key}.${format === 'MP3' ? 'mp3' : 'wav'}`;
}

/** The absolute path of a stored relative audio path; refuses one that leaves DATA/voicemail. */
export function resolveAudio(dataDir: string, audioPath: string): string {
  const base = resolve(dataDir, VOICEMAIL_DIR);
  const full = resolve(dataDir, audioPath);
  const rel = relative(base, full);
  if (isAbsolute(audioPath) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new OpenUmError('AUDIO_NOT_FOUND', `the audio path "${audioPath}" is not inside ${join(dataDir, VOICEMAIL_DIR)}`);
  }
  return full;
}

/** Deletes a message's audio file; a file already gone is fine. */
export async function removeAudio(dataDir: string, audioPath: string): Promise<void> {
  await rm(resolveAudio(dataDir, audioPath), { force: true });
}
