// Admission by disk room: a worker answers a new call only while the disk holding the data
// directory (recordings; the SQLite store too) can take one more message of the longest length
// the call's dial plan allows, plus a margin. Otherwise the call gets 503 with Retry-After, which
// a gateway understands (RFC 3261 §21.5.4), rather than a greeting followed by a lost message.
//
// The free space is read with statfs every DISK_CHECK_MS on a timer, never per call or packet:
// an INVITE costs one comparison. When space returns, the next reading lets calls in again; no
// restart. A call already recording when the disk fills keeps what reached the disk (see
// voicemail-box.ts).
import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import { SipRefusal } from '../routing/sip-refusal.js';
import { setDiskFree } from '../ops/process-metrics.js';

/** A message is 8 kHz, 16-bit mono PCM (media/audio/wav-recorder.ts): 16,000 bytes a second. */
export const BYTES_PER_RECORDED_SECOND = 16_000;
/** The WAV header. */
const WAV_HEADER_BYTES = 44;
/**
 * Beyond the message itself: the store's own growth meanwhile (SQLite's WAL grows up to about
 * 4 MiB, 1,000 pages, before a checkpoint; the message row, its audit and delivery rows), the
 * recovery's repair, and other calls that start recording in the same seconds.
 */
export const DISK_MARGIN_BYTES = 16 * 1024 * 1024;
export const DISK_CHECK_MS = 2000;

/** Bytes needed to admit a call whose dial plan allows messages of `maxRecordingMinutes`. */
export function bytesForCall(maxRecordingMinutes: number): number {
  return WAV_HEADER_BYTES + maxRecordingMinutes * 60 * BYTES_PER_RECORDED_SECOND + DISK_MARGIN_BYTES;
}

export interface DiskAdmissionOptions {
  /** The data directory. */
  dir: string;
  log: Logger;
  intervalMs?: number;
  /** Free bytes on the disk holding `dir` (tests give a fake). */
  readFree?: (dir: string) => Promise<number>;
}

const statfsFree = async (dir: string): Promise<number> => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

export class DiskAdmission {
  readonly #o: DiskAdmissionOptions;
  #free: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading = false;
  /** The thresholds (bytes) calls are being refused at: a line is logged when one starts or ends. */
  readonly #refusing = new Set<number>();

  constructor(options: DiskAdmissionOptions) {
    this.#o = options;
  }

  /** Reads once, then every intervalMs until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#o.intervalMs ?? DISK_CHECK_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The last reading (bytes), undefined before the first or while statfs fails. */
  get freeBytes(): number | undefined {
    return this.#free;
  }

  async refresh(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      this.#free = await (this.#o.readFree ?? statfsFree)(this.#o.dir);
      setDiskFree(this.#free);
    } catch (err) {
      // Unknown is not full: a disk that cannot be measured does not stop calls (the write
      // itself will say what is wrong); the log says so once per reading.
      this.#o.log.warn({ err, dir: this.#o.dir }, 'cannot read the free space of the data directory');
      this.#free = undefined;
    } finally {
      this.#reading = false;
    }
  }

  /** 503 when the disk cannot take one more message of this dial plan's maximum length. */
  refusal(plan: { maxRecordingMinutes: number }): SipRefusal | undefined {
    const free = this.#free;
    const needed = bytesForCall(plan.maxRecordingMinutes);
    const full = free !== undefined && free < needed;
    if (full !== this.#refusing.has(needed)) {
      if (full) {
        this.#refusing.add(needed);
        this.#o.log.warn({ dir: this.#o.dir, freeBytes: free, neededBytes: needed }, 'voice mail storage full: new calls are refused (503) until space is freed');
      } else {
        this.#refusing.delete(needed);
        this.#o.log.info({ dir: this.#o.dir, freeBytes: free, neededBytes: needed }, 'voice mail storage has room again: new calls are accepted');
      }
    }
    return full ? SipRefusal.unavailable('voice mail storage full', 'diskFull') : undefined;
  }
}
