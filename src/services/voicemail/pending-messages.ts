// Voice messages whose row could not be written because the store was unreachable (issue 10):
// the recording itself is on local disk as always (the WAV spooled as it arrived), and what the
// row needs — who called whom, when, how it ended — waits beside it in DATA/voicemail-pending/
// <message key>.json until the main process stores it (store-retry.ts). The message key is the
// row's unique key, so storing an entry twice (a crash between the store and the removal, or a
// first insert whose answer was lost with the connection) finds the row instead of adding one:
// each message is stored, and so delivered, once.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BeginMessage, EndReason } from '../../org/voice-messages.js';

export const PENDING_DIR = 'voicemail-pending';

export interface PendingMessage {
  /** What the row holds from the start (its key is the message key). */
  row: BeginMessage;
  /** When the call's recording started (ISO): the message's received time. */
  receivedAt: string;
  /** How it ended: a message kept, or a missed call (too short, or hung up before the tone). */
  end: { state: 'stored' | 'missed'; durationMs: number; reason: EndReason };
}

const KEY = /^[A-Za-z0-9_-]{8,64}$/;

export class PendingMessages {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, PENDING_DIR);
  }

  /** Writes one entry (write then rename: a reader never sees half of one). */
  async add(m: PendingMessage): Promise<void> {
    if (!KEY.test(m.row.key)) throw new Error(`"${m.row.key}" is not a voice message key`);
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const file = join(this.#dir, `${m.row.key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(m), { mode: 0o600 });
    await rename(tmp, file);
  }

  /** The waiting entries, oldest first; an unreadable one is returned by key as `damaged`. */
  async list(limit = 100): Promise<({ key: string; entry: PendingMessage } | { key: string; damaged: string })[]> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw e;
    }
    const keys = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((k) => KEY.test(k)).sort().slice(0, limit);
    const out: ({ key: string; entry: PendingMessage } | { key: string; damaged: string })[] = [];
    for (const key of keys) {
      try {
        const entry = JSON.parse(await readFile(join(this.#dir, `${key}.json`), 'utf8')) as PendingMessage;
        if (entry?.row?.key !== key || !entry.end) throw new Error('it does not describe this message');
        out.push({ key, entry });
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') continue; // stored meanwhile
        out.push({ key, damaged: (e as Error).message });
      }
    }
    return out.sort((a, b) => ('entry' in a && 'entry' in b ? a.entry.receivedAt.localeCompare(b.entry.receivedAt) : 0));
  }

  async remove(key: string): Promise<void> {
    await rm(join(this.#dir, `${key}.json`), { force: true });
  }

  /** Sets a damaged entry aside (<key>.json.damaged) so it is not read again; an operator can look at it. */
  async setAside(key: string): Promise<void> {
    await rename(join(this.#dir, `${key}.json`), join(this.#dir, `${key}.json.damaged`)).catch(() => undefined);
  }
}
