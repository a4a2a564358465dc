// The Mailbox of apps/call-answering.ts for one call, over the store and the data directory: a
// message is a row from the moment recording starts (state 'recording', with its file's path) and
// a WAV file written as the audio arrives (media/audio/wav-recorder.ts), so a worker that dies
// mid-message leaves both for the node to complete and deliver. At the end the row becomes
// 'stored' (then the main process delivers it and updates MWI) or 'missed' when it is shorter
// than the server's minimum, in which case its audio is deleted.
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Mailbox } from '../../apps/call-answering.js';
import type { AudioSink, HangupCause, RecordResult } from '../../apps/call.js';
import { WavRecorder } from '../../media/audio/wav-recorder.js';
import { beginMessage, completeMessage, newMessageKey, type EndReason } from '../../org/voice-messages.js';
import type { Database } from '../../store/schema.js';

export interface VoicemailBoxOptions {
  db: Kysely<Database>;
  dataDir: string;
  serverName: string;
  worker: number;
  userId: number;
  caller: { id: string; name: string };
  called: string;
  callId: string;
  minRecordingMs: number;
  /** Why the call ended, when it did (a hang-up at the maximum call duration is 'max-call'). */
  cause(): HangupCause | undefined;
  /** A message was stored: the main process delivers it and updates MWI. */
  onStored(id: number, userId: number): void;
  log: Logger;
}

export const VOICEMAIL_DIR = 'voicemail';

export class VoicemailBox implements Mailbox {
  readonly #o: VoicemailBoxOptions;
  #current: { id: number; recorder: WavRecorder; relative: string } | undefined;

  constructor(options: VoicemailBoxOptions) {
    this.#o = options;
  }

  async begin(): Promise<AudioSink> {
    const key = newMessageKey();
    const relative = `${VOICEMAIL_DIR}/${key}.wav`;
    await mkdir(join(this.#o.dataDir, VOICEMAIL_DIR), { recursive: true, mode: 0o700 });
    // The row first: a crash after it and before the file leaves a row whose file is missing,
    // which recovery completes as a missed call; never a file nobody knows about.
    const id = await beginMessage(this.#o.db, this.#row(key, relative));
    const recorder = await WavRecorder.create(join(this.#o.dataDir, relative));
    this.#current = { id, recorder, relative };
    this.#o.log.info({ callId: this.#o.callId, messageId: id, userId: this.#o.userId }, 'recording started');
    return recorder;
  }

  async end(result: RecordResult): Promise<'stored' | 'missed'> {
    const cur = this.#current;
    if (!cur) return 'missed';
    this.#current = undefined;
    let durationMs = result.durationMs;
    try {
      durationMs = (await cur.recorder.finish()).durationMs;
    } catch (err) {
      this.#o.log.error({ err, messageId: cur.id }, 'could not finish the recording file; keeping what was written');
    }
    const reason = this.#reason(result);
    if (durationMs < this.#o.minRecordingMs) {
      await unlink(join(this.#o.dataDir, cur.relative)).catch(() => undefined);
      await completeMessage(this.#o.db, cur.id, { state: 'missed', durationMs, reason, audioPath: '' });
      this.#o.log.info({ callId: this.#o.callId, messageId: cur.id, durationMs, reason }, 'recording too short: missed call');
      return 'missed';
    }
    if (await completeMessage(this.#o.db, cur.id, { state: 'stored', durationMs, reason })) this.#o.onStored(cur.id, this.#o.userId);
    this.#o.log.info({ callId: this.#o.callId, messageId: cur.id, durationMs, reason }, 'message stored');
    return 'stored';
  }

  async missed(): Promise<void> {
    const id = await beginMessage(this.#o.db, this.#row(newMessageKey(), ''));
    await completeMessage(this.#o.db, id, { state: 'missed', durationMs: 0, reason: this.#reason({ end: 'hangup', durationMs: 0 }) });
  }

  #row(key: string, audioPath: string) {
    const o = this.#o;
    return { key, serverName: o.serverName, worker: o.worker, userId: o.userId, callerId: o.caller.id, callerName: o.caller.name, called: o.called, callId: o.callId, audioPath, audioFormat: 'WAV' as const };
  }

  #reason(result: RecordResult): EndReason {
    if (result.end === 'failed') return 'crash';
    if (result.end !== 'hangup') return result.end;
    const cause = this.#o.cause();
    return cause === 'max-call' ? 'max-call' : cause === 'shutdown' ? 'shutdown' : 'hangup';
  }
}
