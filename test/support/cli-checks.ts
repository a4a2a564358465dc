// Checks shared by the CLI tests: a refusal is one `error: …` line with the error code's exit
// status and no stack trace, and it leaves the store as it was (certificate list and audit log).
import assert from 'node:assert/strict';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import type { CertificateView } from '../../src/pki/certificate-view.js';
import { cli } from './openum.js';
import type { RunResult } from './run.js';

/** Asserts a failed command printed exactly one `error: ` line matching every pattern, and nothing else. */
export function assertRefused(r: RunResult, what: string, expected: { code?: ErrorCode; match: RegExp[] }): void {
  assert.notEqual(r.code, 0, `${what}: expected a failure, got exit 0 with ${r.stdout}`);
  if (expected.code) assert.equal(r.code, ERROR_CODES[expected.code].exit, `${what}: exit status of ${expected.code}; stderr: ${r.stderr}`);
  assert.match(r.stderr, /^error: [^\n]+\n?$/, `${what}: stderr must be one "error: " line, got ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: no stack trace`);
  assert.doesNotMatch(r.stderr, /^\w*Error:/m, `${what}: no "Error:" stack header`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  for (const m of expected.match) assert.match(r.stderr, m, what);
}

export interface Snapshot {
  /** `openum certificate list --json`, verbatim. */
  list: string;
  views: CertificateView[];
  /** Entries in `openum audit --limit 1000 --json`. */
  audit: number;
}

export async function snapshot(data: string): Promise<Snapshot> {
  const [list, audit] = await Promise.all([
    cli(['certificate', 'list', '--json'], { data }),
    cli(['audit', '--limit', '1000', '--json'], { data }),
  ]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(audit.code, 0, audit.stderr);
  return { list: list.stdout, views: JSON.parse(list.stdout) as CertificateView[], audit: (JSON.parse(audit.stdout) as unknown[]).length };
}

/**
 * The store's last known state, so that a run of refusals needs one snapshot after them rather
 * than one before and one after: call changed() before anything that may change the store.
 */
export class StoreWatch {
  #known: Snapshot | undefined;
  constructor(readonly data: string) {}

  async current(): Promise<Snapshot> {
    this.#known ??= await snapshot(this.data);
    return this.#known;
  }

  changed(): void {
    this.#known = undefined;
  }

  async assertUnchanged(before: Snapshot, what: string): Promise<void> {
    const now = await snapshot(this.data);
    assert.equal(now.list, before.list, `${what}: certificate list --json changed`);
    assert.equal(now.audit, before.audit, `${what}: audit entries were added`);
    this.#known = now;
  }
}

/** Runs the tasks with at most `limit` at once (each CLI run is a Node process). */
export async function pool<T>(tasks: (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}
