// The one place message operations live: the CLI (`openum voicemail`), the admin API, recovery and
// the phone applications (subscriber access, Play on Phone) all call this. Messages are rows
// (org/voice-messages.ts); their audio is in a RecordingAudioStore and users' greetings and
// recorded names in the store's audio table (store/audio/table-audio-store.ts, through
// org/user-greetings.ts, since their changes are audited in the same transaction), so no caller
// touches a path. Every change moves
// the store revision, and the node's change watcher updates the user's MWI lamp from it, whether
// the change came from a worker, the CLI or the admin API.
import type { Kysely } from 'kysely';
import { decodePcmWav } from '../../media/audio/prompt-library.js';
import { OpenUmError } from '../../errors.js';
import { purgeDeletedMessages, softDeleteMessage, undeleteMessage } from '../../org/message-trash.js';
import {
  clearUserAudio, getUserAudio, setUserAudio, type Greeting, type UserAudioKind,
} from '../../org/user-greetings.js';
import { getUser } from '../../org/users.js';
import {
  deleteMessage, getMessage, listMessages, markRead, messageCounts, type MessageFolder, type VoiceMessage,
} from '../../org/voice-messages.js';
import type { RecordingAudioStore } from '../../store/audio/audio-store.js';
import type { Actor } from '../../store/mutation.js';
import type { Database } from '../../store/schema.js';

export interface MailboxDeps {
  db: Kysely<Database>;
  /** Voice-message recordings (local files today). */
  messageAudio: RecordingAudioStore;
}

export interface MailboxCounts {
  /** Unread messages. */
  new: number;
  /** Read (saved) messages. */
  saved: number;
}

export class MailboxService {
  readonly db: Kysely<Database>;
  readonly messageAudio: RecordingAudioStore;

  constructor(deps: MailboxDeps) {
    this.db = deps.db;
    this.messageAudio = deps.messageAudio;
  }

  /** Messages newest first: 'new', 'saved', 'messages' (both) or 'all' (missed calls too). */
  list(userId: number, folder: MessageFolder = 'messages'): Promise<VoiceMessage[]> {
    return listMessages(this.db, userId, { folder });
  }

  /** A user's messages by name (CLI, API). */
  async listFor(userName: string, folder: MessageFolder = 'messages'): Promise<VoiceMessage[]> {
    return this.list((await getUser(this.db, userName)).id, folder);
  }

  async counts(userId: number): Promise<MailboxCounts> {
    const [c] = await messageCounts(this.db, [userId]);
    return { new: c?.unread ?? 0, saved: c?.read ?? 0 };
  }

  get(id: number): Promise<VoiceMessage> {
    return getMessage(this.db, id);
  }

  /** The message's WAV (8 kHz mono 16-bit PCM as recorded). */
  async audio(id: number): Promise<{ message: VoiceMessage; wav: Buffer }> {
    const message = await getMessage(this.db, id);
    if (message.state !== 'stored') {
      throw new OpenUmError('AUDIO_NOT_FOUND', message.state === 'missed'
        ? `voice message ${id} is a missed call: no audio was kept`
        : `voice message ${id} is still being recorded; try again when the call has ended`);
    }
    let wav: Buffer | undefined;
    try {
      wav = await this.messageAudio.get(message.audioPath);
    } catch (e) {
      if (e instanceof OpenUmError) throw e;
      throw new OpenUmError('AUDIO_NOT_FOUND', `the audio of voice message ${id} (${message.audioPath}) cannot be read: ${(e as { code?: string }).code ?? (e as Error).message}`);
    }
    if (!wav) throw new OpenUmError('AUDIO_NOT_FOUND', `the audio of voice message ${id} (${message.audioPath}) is missing from the audio store`);
    return { message, wav };
  }

  /** The message's audio as 8 kHz samples, for playing on a call. */
  async samples(id: number): Promise<{ message: VoiceMessage; samples: Int16Array }> {
    const { message, wav } = await this.audio(id);
    try {
      return { message, samples: decodePcmWav(wav, 8000, `voice message ${id}`) };
    } catch (e) {
      throw new OpenUmError('AUDIO_NOT_FOUND', `the audio of voice message ${id} is not 8 kHz mono 16-bit PCM: ${(e as Error).message}`);
    }
  }

  /** Marks a message read (heard) or unread (new again). */
  markRead(id: number, read = true): Promise<void> {
    return markRead(this.db, id, read);
  }

  /** Saves a message: in Exchange's terms, a saved message is one kept as read. */
  save(id: number): Promise<void> {
    return markRead(this.db, id, true);
  }

  /**
   * Deletes a message. `restorable` (the phone): marked deleted until `purgeDeleted` at hang-up,
   * `undelete` brings it back meanwhile. Otherwise (CLI, API) the row goes at once, audited, and
   * its audio with it.
   */
  async delete(id: number, options: { actor: Actor; restorable?: false } | { restorable: true }): Promise<VoiceMessage> {
    if (options.restorable) {
      await softDeleteMessage(this.db, id);
      return getMessage(this.db, id);
    }
    const m = await deleteMessage(this.db, options.actor, id);
    if (m.audioPath !== '') await this.messageAudio.delete(m.audioPath).catch(() => undefined);
    return m;
  }

  /** Restores a message deleted by phone; false when it was not deleted. */
  undelete(id: number): Promise<boolean> {
    return undeleteMessage(this.db, id);
  }

  /** Removes for good what was deleted by phone (a user's, at hang-up; or older than `markedBefore`). */
  async purgeDeleted(scope: { userId?: number; markedBefore?: string }): Promise<number> {
    const gone = await purgeDeletedMessages(this.db, scope);
    await Promise.all(gone.filter((m) => m.audioPath !== '').map((m) => this.messageAudio.delete(m.audioPath).catch(() => undefined)));
    return gone.length;
  }

  /** A user's greeting or recorded name (8 kHz mono 16-bit WAV), undefined when none. */
  userAudio(kind: UserAudioKind, userId: number): Promise<Greeting | undefined> {
    return getUserAudio(this.db, kind, userId);
  }

  setUserAudio(actor: Actor, kind: UserAudioKind, userName: string, audio: Greeting): Promise<{ user: string; durationMs: number; bytes: number }> {
    return setUserAudio(this.db, actor, kind, userName, audio);
  }

  clearUserAudio(actor: Actor, kind: UserAudioKind, userName: string): Promise<boolean> {
    return clearUserAudio(this.db, actor, kind, userName);
  }
}
