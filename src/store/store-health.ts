// Whether this process can reach its store, known without a query per call: every query's outcome
// feeds it (Kysely's log hook and the pool's connect, database.ts), and while a server process
// runs, a probe (`select 1`) checks it whenever no query has answered for a while. Only failures
// that say the connection is gone count (a refused or dropped connection, a connect timeout,
// PostgreSQL shutting down, SQLSTATE class 08); a constraint violation is an answer, so the store
// is up. SQLite is a local file: always up, never probed.

/** How long a client is told to wait while the store is unreachable (SIP Retry-After, HTTP Retry-After). */
export const RETRY_AFTER_STORE_SECONDS = 30;

export interface StoreHealthView {
  /** True while the store answers. */
  readonly up: boolean;
  /** Why it is down (the last connection failure); undefined while up. */
  readonly problem: string | undefined;
  /** When the current state began (ISO time). */
  readonly since: string;
}

/** Node socket errors and pg's own messages that mean "no connection", not "bad query". */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|not queryable|the database system is (?:shutting down|starting up|in recovery mode)/i;

/** True when `e` says the store cannot be reached (rather than that a query was wrong). */
export function isConnectionError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return true;
    // SQLSTATE 08xxx connection exception; 57P01-03 admin/crash shutdown, cannot connect now.
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code)) return true;
  }
  const message = (e as { message?: unknown }).message;
  if (typeof message === 'string' && PG_MESSAGES.test(message)) return true;
  const cause = (e as { cause?: unknown }).cause;
  return cause !== undefined && cause !== e && isConnectionError(cause);
}

export type HealthListener = (up: boolean) => void;

export class StoreHealth implements StoreHealthView {
  #up = true;
  #problem: string | undefined;
  #since = new Date().toISOString();
  /** When a query last answered or failed (ms), so the probe only runs when nothing else did. */
  #lastOutcome = 0;
  readonly #listeners: HealthListener[] = [];
  #timer: NodeJS.Timeout | undefined;
  #probing = false;
  readonly #probe: (() => Promise<unknown>) | undefined;

  /** `probe` asks the store something trivial (`select 1`); without one (SQLite) watch() does nothing. */
  constructor(probe?: () => Promise<unknown>) {
    this.#probe = probe;
  }

  get up(): boolean {
    return this.#up;
  }

  get problem(): string | undefined {
    return this.#problem;
  }

  get since(): string {
    return this.#since;
  }

  /** Called on every change of state; a throwing listener is ignored (it cannot stop the others). */
  onChange(listener: HealthListener): void {
    this.#listeners.push(listener);
  }

  /** A query (or a connect) succeeded. */
  answered(): void {
    this.#lastOutcome = Date.now();
    if (!this.#up) this.#set(true, undefined);
  }

  /** A query (or a connect) failed; only a connection failure changes the state. */
  failed(e: unknown): void {
    this.#lastOutcome = Date.now();
    if (!isConnectionError(e)) return;
    const problem = (e as Error).message || String((e as { code?: unknown }).code ?? 'connection failed');
    if (this.#up) this.#set(false, problem);
    else this.#problem = problem;
  }

  /**
   * Probes the store every `intervalMs` when no query has answered meanwhile; a probe that takes
   * longer than `timeoutMs` counts as a connection failure (a store that hangs is not answering).
   * Server processes call this; a CLI command does not. Returns the stop function.
   */
  watch(options: { intervalMs?: number; timeoutMs?: number } = {}): () => void {
    const intervalMs = options.intervalMs ?? 1000;
    const timeoutMs = options.timeoutMs ?? 2000;
    this.stop();
    const probe = this.#probe;
    if (!probe) return () => undefined;
    this.#timer = setInterval(() => {
      if (this.#probing || Date.now() - this.#lastOutcome < intervalMs) return;
      this.#probing = true;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`the store did not answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
      });
      // Kysely's log hook records the probe's own outcome; the timeout is recorded here.
      Promise.race([probe(), late])
        .catch((e: unknown) => this.failed(e))
        .finally(() => { clearTimeout(timer); this.#probing = false; });
    }, intervalMs);
    this.#timer.unref();
    return () => this.stop();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #set(up: boolean, problem: string | undefined): void {
    this.#up = up;
    this.#problem = problem;
    this.#since = new Date().toISOString();
    for (const l of this.#listeners) {
      try {
        l(up);
      } catch { /* a listener's failure is its own */ }
    }
  }
}
