// Failed authentication, limited per source address: after AUTH_FAILURE_LIMIT.max failures
// (a wrong bearer token, a session cookie that names no session, a refused sign-in or password)
// within timeWindow, every further attempt from that address is answered 429 with Retry-After
// until the window ends, the right credentials too: were the right token let through, each
// guess would still be answered (429 wrong, 200 right) and the limit would limit nothing.
// Other addresses are unaffected; successful requests are not counted.
//
// The counting is @fastify/rate-limit's own LocalStore (the one behind the sign-in limit): a
// fixed window per key in an LRU map of at most `sources` keys, so memory stays bounded however
// many addresses try (the least recently seen are forgotten first). An IPv6 source is counted by
// its /64, the block one host is usually given (RFC 6177), so it cannot step through addresses.
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';

export const AUTH_FAILURE_LIMIT = { max: 20, timeWindow: 60_000, sources: 10_000 };

interface Window { current: number; ttl: number }
interface LocalStore {
  incr(key: string, cb: (err: Error | null, w: Window) => void, timeWindow: number, max: number): void;
  read(key: string, cb: (err: Error | null, w: Window) => void, timeWindow: number, max: number): void;
}
type LocalStoreClass = new (continueExceeding: boolean, exponentialBackoff: boolean, cache: number) => LocalStore;
const LocalStoreImpl = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as LocalStoreClass;

/** The key of a source address: itself for IPv4, its /64 for IPv6 (an IPv4-mapped one as IPv4). */
export function sourceKey(ip: string): string {
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  if (!isIPv6(ip)) return ip;
  // Expand "::" to whole groups, then keep the first four.
  const [head = '', tail = ''] = ip.split('%')[0]?.split('::') ?? [];
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class AuthFailureLimit {
  readonly #store: LocalStore;
  readonly #limit: typeof AUTH_FAILURE_LIMIT;

  constructor(limit = AUTH_FAILURE_LIMIT) {
    this.#limit = limit;
    this.#store = new LocalStoreImpl(false, false, limit.sources);
  }

  get max(): number {
    return this.#limit.max;
  }

  /** Whole seconds until `ip` may try again; 0 when it may try now. */
  retryAfter(ip: string): number {
    let wait = 0;
    // LocalStore answers synchronously.
    this.#store.read(sourceKey(ip), (_e, w) => {
      if (w.current >= this.#limit.max) wait = Math.max(1, Math.ceil(w.ttl / 1000));
    }, this.#limit.timeWindow, this.#limit.max);
    return wait;
  }

  /** Counts one failure of `ip`. */
  fail(ip: string): void {
    this.#store.incr(sourceKey(ip), () => undefined, this.#limit.timeWindow, this.#limit.max);
  }
}
