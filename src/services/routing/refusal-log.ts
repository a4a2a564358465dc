// The last refusals of one process (Call Router, UM service or worker), for the admin center's
// Calls page and `openum refusals`: a fixed ring, so a flood of refused INVITEs costs one slot
// write each and never grows memory. Read on demand through the supervisor's IPC and merged by
// time across the node's processes.
import { getHeader } from '../../sip/message/headers.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { RequestContext } from '../../sip/transaction/transaction-layer.js';
import type { SipRefusal } from './sip-refusal.js';

export type RefusingRole = 'callRouter' | 'umService' | 'worker';

export interface RefusalEntry {
  /** ISO time of the refusal. */
  at: string;
  role: RefusingRole;
  /** The worker's number (from 1) for role 'worker'. */
  worker?: number;
  status: number;
  reason: string;
  method: string;
  from: string;
  to: string;
  /** address:port the request came from. */
  peer: string;
  transport: 'udp' | 'tcp' | 'tls';
  /** The UM IP gateway the request was identified as coming from, when it got that far. */
  gateway: string | null;
}

export const REFUSAL_RING_SIZE = 200;
/** From/To are shown, not parsed again: a hostile peer's long header is cut here. */
const FIELD_MAX = 256;

/** The URI of a From/To value (between < >, else the value without parameters), cut to FIELD_MAX. */
function uriOf(value: string | undefined): string {
  if (!value) return '';
  const bracket = /<([^>]*)>/.exec(value);
  const uri = bracket ? bracket[1] ?? '' : value.split(';')[0] ?? '';
  return uri.trim().slice(0, FIELD_MAX);
}

export class RefusalLog {
  readonly #role: RefusingRole;
  readonly #worker: number | undefined;
  readonly #ring: (RefusalEntry | undefined)[];
  /** Where the next entry goes; the ring is full once it has wrapped. */
  #next = 0;

  constructor(role: RefusingRole, options: { worker?: number; size?: number } = {}) {
    this.#role = role;
    this.#worker = options.worker;
    this.#ring = new Array<RefusalEntry | undefined>(options.size ?? REFUSAL_RING_SIZE).fill(undefined);
  }

  record(request: SipRequest, r: SipRefusal, context: RequestContext): void {
    const s = context.source;
    this.#ring[this.#next] = {
      at: new Date().toISOString(),
      role: this.#role,
      ...(this.#worker !== undefined ? { worker: this.#worker } : {}),
      status: r.status,
      reason: r.reason,
      method: request.method,
      from: uriOf(getHeader(request, 'From')),
      to: uriOf(getHeader(request, 'To')),
      peer: s.address.includes(':') ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`,
      transport: s.protocol,
      gateway: r.gateway ?? null,
    };
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  /** The newest `limit` entries, newest first. */
  list(limit = this.#ring.length): RefusalEntry[] {
    const out: RefusalEntry[] = [];
    const n = this.#ring.length;
    for (let i = 1; i <= n && out.length < limit; i++) {
      const e = this.#ring[(this.#next - i + n) % n];
      if (!e) break;
      out.push(e);
    }
    return out;
  }
}

/** Several processes' lists as one, newest first (ISO times sort as text). */
export function mergeRefusals(lists: RefusalEntry[][], limit: number): RefusalEntry[] {
  return lists.flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
