// Where audio lives, behind one interface so that no caller touches paths: voice-message
// recordings, users' greetings and recorded names. A key is a relative name such as
// "voicemail/<message key>.wav", "greetings/<user id>.wav" or "names/<user id>.wav"; the store
// decides where its bytes go (files under the data directory, a table in the shared store, and
// later any object store). Keys are checked here once, so a damaged or hostile row cannot name
// anything outside the store.
import { OpenUmError } from '../../errors.js';

export interface AudioStore {
  /** Stores (or replaces) the audio of `key`. */
  put(key: string, wav: Buffer): Promise<void>;
  /** The audio of `key`, undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the audio of `key`; a key already gone is fine. */
  delete(key: string): Promise<void>;
}

/**
 * A store a recording can be written into as it arrives, so that a worker that dies mid-message
 * leaves audio a recovery can complete: the recorder writes `spoolPath(key)` (a local file of this
 * node) and `commit(key)` makes it the stored audio of `key` once the recording ended.
 */
export interface RecordingAudioStore extends AudioStore {
  spoolPath(key: string): Promise<string>;
  commit(key: string): Promise<void>;
}

export const AUDIO_FOLDERS = ['voicemail', 'greetings', 'names'] as const;
export type AudioFolder = (typeof AUDIO_FOLDERS)[number];

const KEY = /^(voicemail|greetings|names)\/[A-Za-z0-9_-]{1,64}\.(wav|mp3)$/;

/** Refuses anything that is not a key this module made (checked by every store). */
export function checkAudioKey(key: string): string {
  if (!KEY.test(key)) throw new OpenUmError('AUDIO_NOT_FOUND', `"${key}" is not an audio key (voicemail/…, greetings/…, names/…)`);
  return key;
}

/** The key of a voice message's recording (also its path relative to the data directory). */
export function messageAudioKey(messageKey: string, format: 'WAV' | 'MP3' = 'WAV'): string {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(messageKey)) throw new OpenUmError('INTERNAL', `"${messageKey}" is not a voice message key`);
  return `voicemail/${messageKey}.${format === 'MP3' ? 'mp3' : 'wav'}`;
}

/** The key of a user's personal greeting. */
export const greetingKey = (userId: number): string => `greetings/${userId}.wav`;
/** The key of a user's recorded name (the directory and the auto attendant say it). */
export const recordedNameKey = (userId: number): string => `names/${userId}.wav`;
