// The Mailbox of apps/call-answering.ts for one call, over the store and the audio store: a
// message is a row from the moment recording starts (state 'recording', with its audio key) and
// a WAV file spooled as the audio arrives (media/audio/wav-recorder.ts), so a worker that dies
// mid-message leaves both for the node to complete and deliver. At the end the row becomes
// 'stored' (then the main process delivers it and updates MWI) or 'missed' when it is shorter
// than the server's minimum, in which case its audio is deleted. A missed call is mailed to the
// user as a notice when the user's mailbox policy allows missed-call notifications.
// While the store cannot be reached (issue 10) the recording goes on all the same: the WAV is on
// local disk as always, and the row waits beside it (voicemail/pending-messages.ts) until the main
// process stores it when the store answers (voicemail/store-retry.ts); the caller hears that the
// message was recorded, because it will be stored.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Mailbox } from '../../apps/call-answering.js';
import type { AudioSink, HangupCause, RecordResult } from '../../apps/call.js';
import { repairWav, WavRecorder } from '../../media/audio/wav-recorder.js';
import { missedCallNotificationsFor } from '../../org/mailbox-policies.js';
import { beginMessage, completeMessage, newMessageKey, type BeginMessage, type EndReason } from '../../org/voice-messages.js';
import { messageAudioKey, type RecordingAudioStore } from '../../store/audio/audio-store.js';
import { isDiskFull } from '../../store/disk-full.js';
import { completeWhenRoom } from './store-full-retry.js';
import type { Database } from '../../store/schema.js';
import { isConnectionError } from '../../store/store-health.js';
import type { PendingMessage, PendingMessages } from '../voicemail/pending-messages.js';

export interface VoicemailBoxOptions {
  db: Kysely<Database>;
  audio: RecordingAudioStore;
  serverName: string;
  worker: number;
  userId: number;
  caller: { id: string; name: string };
  called: string;
  callId: string;
  minRecordingMs: number;
  /** Why the call ended, when it did (a hang-up at the maximum call duration is 'max-call'). */
  cause(): HangupCause | undefined;
  /** A message was stored (or a missed call is to be mailed): the main process delivers it and updates MWI. */
  onStored(id: number, userId: number): void;
  /** Where a message waits when the store cannot be reached, and whom to tell that one does. */
  pending: PendingMessages;
  onPending(): void;
  log: Logger;
}

/** A recording in progress; `id` is undefined when its row could not be written (store unreachable). */
interface Current {
  id: number | undefined;
  row: BeginMessage;
  receivedAt: string;
  recorder: WavRecorder;
  relative: string;
}

export class VoicemailBox implements Mailbox {
  readonly #o: VoicemailBoxOptions;
  #current: Current | undefined;

  constructor(options: VoicemailBoxOptions) {
    this.#o = options;
  }

  async begin(): Promise<AudioSink> {
    const key = newMessageKey();
    const relative = messageAudioKey(key);
    const path = await this.#o.audio.spoolPath(relative);
    // The row first: a crash after it and before the file leaves a row whose file is missing,
    // which recovery completes as a missed call; never a file nobody knows about.
    const row = this.#row(key, relative);
    const receivedAt = new Date().toISOString();
    let id: number | undefined;
    try {
      id = await beginMessage(this.#o.db, row, receivedAt);
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      this.#o.log.warn({ callId: this.#o.callId, key, problem: (err as Error).message }, 'the store cannot be reached: recording to local disk; the message is stored when it answers');
    }
    const recorder = await WavRecorder.create(path);
    this.#current = { id, row, receivedAt, recorder, relative };
    this.#o.log.info({ callId: this.#o.callId, messageId: id, key, userId: this.#o.userId }, 'recording started');
    return recorder;
  }

  async end(result: RecordResult): Promise<'stored' | 'missed'> {
    const cur = this.#current;
    if (!cur) return 'missed';
    this.#current = undefined;
    let durationMs: number;
    try {
      durationMs = (await cur.recorder.finish()).durationMs;
    } catch (err) {
      // A failed write (the disk filled up) stops the recording: what reached the disk is kept,
      // made a valid WAV the way recovery does (patching the header needs no new space), and the
      // duration is what the file holds, not what was heard.
      this.#o.log.error({ err, messageId: cur.id, diskFull: isDiskFull(err) || isDiskFull(result.end === 'failed' ? result.error : undefined) }, 'could not finish the recording file; keeping what was written');
      durationMs = await this.#salvage(cur.recorder);
    }
    const reason = this.#reason(result);
    const state = durationMs < this.#o.minRecordingMs ? 'missed' : 'stored';
    const pending: PendingMessage = { row: state === 'missed' ? { ...cur.row, audioPath: '' } : cur.row, receivedAt: cur.receivedAt, end: { state, durationMs, reason } };
    if (cur.id === undefined) {
      if (state === 'missed') await this.#o.audio.delete(cur.relative).catch(() => undefined);
      await this.#wait(pending, new Error('the store could not be reached when recording started'));
      return state;
    }
    try {
      if (state === 'missed') {
        await this.#o.audio.delete(cur.relative).catch(() => undefined);
        await this.#completeMissed(cur.id, durationMs, reason);
        this.#o.log.info({ callId: this.#o.callId, messageId: cur.id, durationMs, reason }, 'recording too short: missed call');
        return 'missed';
      }
      await this.#o.audio.commit(cur.relative);
      await this.#complete(cur.id, { state: 'stored', durationMs, reason }, true);
      this.#o.log.info({ callId: this.#o.callId, messageId: cur.id, durationMs, reason }, 'message stored');
      return 'stored';
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      await this.#wait(pending, err);
      return state;
    }
  }

  /** Closes the file of a failed recording and repairs it; its duration, 0 if nothing is usable. */
  async #salvage(recorder: WavRecorder): Promise<number> {
    await recorder.abandon().catch(() => undefined);
    try {
      return (await repairWav(recorder.path)).durationMs;
    } catch (err) {
      this.#o.log.error({ err, path: recorder.path }, 'the recording file cannot be repaired');
      return 0;
    }
  }

  async missed(): Promise<void> {
    const row = this.#row(newMessageKey(), '');
    const receivedAt = new Date().toISOString();
    const end = { state: 'missed' as const, durationMs: 0, reason: this.#reason({ end: 'hangup', durationMs: 0 }) };
    try {
      const id = await beginMessage(this.#o.db, row, receivedAt);
      await this.#completeMissed(id, 0, end.reason);
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      await this.#wait({ row, receivedAt, end }, err);
    }
  }

  /** The store is unreachable: the message waits on local disk for the main process to store it. */
  async #wait(m: PendingMessage, err: unknown): Promise<void> {
    await this.#o.pending.add(m);
    this.#o.log.warn({ callId: this.#o.callId, key: m.row.key, state: m.end.state, durationMs: Math.round(m.end.durationMs), problem: (err as Error).message },
      'the store cannot be reached: the message waits on local disk and is stored when it answers');
    this.#o.onPending();
  }

  /** A missed call; mailed as a notice (no attachment) when the user's policy asks for one. */
  async #completeMissed(id: number, durationMs: number, reason: EndReason): Promise<void> {
    const notify = await missedCallNotificationsFor(this.#o.db, this.#o.userId).catch((err: unknown) => {
      this.#o.log.warn({ err, userId: this.#o.userId }, 'cannot read the mailbox policy: no missed-call notice');
      return false;
    });
    await this.#complete(id, { state: 'missed', durationMs, reason, audioPath: '', notifyMissed: notify }, notify);
  }

  /** Completes the row (then the main process delivers it when `deliver`), again later if the store is full. */
  async #complete(id: number, end: Parameters<typeof completeMessage>[2], deliver: boolean): Promise<void> {
    await completeWhenRoom(async () => {
      if (await completeMessage(this.#o.db, id, end) && deliver) this.#o.onStored(id, this.#o.userId);
    }, this.#o.log, { callId: this.#o.callId, messageId: id });
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
