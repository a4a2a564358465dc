// A stored voice message's audio, for `openum voicemail play` and GET /api/voicemail/:id/audio.
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { OpenUmError } from '../../errors.js';
import { getMessage, type VoiceMessage } from '../../org/voice-messages.js';
import { resolveAudio } from '../../org/voicemail-files.js';
import type { Database } from '../../store/schema.js';

export async function readMessageAudio(db: Kysely<Database>, dataDir: string, id: number): Promise<{ message: VoiceMessage; wav: Buffer }> {
  const message = await getMessage(db, id);
  if (message.state !== 'stored') {
    throw new OpenUmError('AUDIO_NOT_FOUND', message.state === 'missed'
      ? `voice message ${id} is a missed call: no audio was kept`
      : `voice message ${id} is still being recorded; try again when the call has ended`);
  }
  try {
    return { message, wav: await readFile(resolveAudio(dataDir, message.audioPath)) };
  } catch (e) {
    if (e instanceof OpenUmError) throw e;
    throw new OpenUmError('AUDIO_NOT_FOUND', `the audio of voice message ${id} (${message.audioPath}) is missing from ${dataDir}: ${(e as { code?: string }).code ?? (e as Error).message}`);
  }
}
