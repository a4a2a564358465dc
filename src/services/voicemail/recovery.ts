// Completes the recordings a dead worker left 'recording': at start (every such row of this
// server, before the workers run) and when one worker process exits (its rows). The WAV was
// written as it was recorded (media/audio/wav-recorder.ts), so repairWav() makes what reached
// the disk a valid file; it is kept as a message ('crash') when long enough, else it is a missed
// call and the file goes. A row whose file is missing or unreadable is a missed call too.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { repairWav } from '../../media/audio/wav-recorder.js';
import { getServer } from '../../org/server-settings.js';
import { completeMessage, orphanedRecordings } from '../../org/voice-messages.js';
import type { RecordingAudioStore } from '../../store/audio/audio-store.js';
import type { Database } from '../../store/schema.js';

export interface Recovered {
  id: number;
  userId: number;
  state: 'stored' | 'missed';
  durationMs: number;
}

export interface RecoveryDeps {
  db: Kysely<Database>;
  /** The mailbox's message audio: a recording is spooled there as it arrives. */
  audio: RecordingAudioStore;
  serverName: string;
  log: Logger;
}

/** Recovers this server's orphaned recordings (of one worker, begun before `startedBefore`, when given). */
export async function recoverRecordings(d: RecoveryDeps, scope: { worker?: number; startedBefore?: string } = {}): Promise<Recovered[]> {
  const orphans = await orphanedRecordings(d.db, d.serverName, scope.worker, scope.startedBefore);
  if (orphans.length === 0) return [];
  const { umService } = await getServer(d.db, d.serverName);
  const out: Recovered[] = [];
  for (const m of orphans) {
    let durationMs = 0;
    let why: string | undefined;
    try {
      durationMs = (await repairWav(await d.audio.spoolPath(m.audioPath))).durationMs;
    } catch (e) {
      why = (e as { code?: string }).code === 'ENOENT' ? 'the audio file is missing' : `the audio file cannot be repaired: ${(e as Error).message}`;
    }
    const state = why === undefined && durationMs >= umService.minRecordingMs ? 'stored' : 'missed';
    if (state === 'missed') await d.audio.delete(m.audioPath).catch(() => undefined);
    else await d.audio.commit(m.audioPath);
    const done = await completeMessage(d.db, m.id, { state, durationMs: state === 'missed' && why ? 0 : durationMs, reason: 'crash' });
    if (!done) continue; // the worker completed it after all
    d.log.warn({ messageId: m.id, worker: m.worker, userId: m.userId, state, durationMs: Math.round(durationMs), why },
      state === 'stored' ? 'recovered a voice message left by a worker that stopped' : 'a recording left by a worker that stopped is a missed call');
    out.push({ id: m.id, userId: m.userId, state, durationMs });
  }
  return out;
}
