// The transaction layer: turns transport messages into transactions and requests for the TU.
// Matching follows RFC 3261 §17.2.3 (server: top Via branch + sent-by + method, ACK matching the
// INVITE) and §17.1.3 (client: top Via branch + CSeq method). Responses are routed as §18.2.2 and
// RFC 3581 say: over the same connection for TCP/TLS, to the source address for UDP.
import { randomBytes } from 'node:crypto';
import { buildErrorResponse, buildResponse } from '../message/build.js';
import { SipParseError } from '../message/errors.js';
import { salvagePartial } from '../message/partial.js';
import { getHeader, parseCSeq, parseVia } from '../message/headers.js';
import { parseMessage } from '../message/parse.js';
import { serializeMessage } from '../message/serialize.js';
import { DEFAULT_LIMITS, type ParseLimits, type SipMessage, type SipRequest, type SipResponse } from '../message/types.js';
import type { Endpoint, InboundMessage, PeerCertificate } from '../transport/types.js';
import { ClientInviteTransaction } from './client-invite.js';
import { ClientNonInviteTransaction } from './client-non-invite.js';
import { ServerInviteTransaction } from './server-invite.js';
import { ServerNonInviteTransaction } from './server-non-invite.js';
import { StatelessServerTransaction } from './stateless.js';
import { TimerWheel } from './timer-wheel.js';
import { DEFAULT_TIMERS, type SipTimers } from './timers.js';
import type { ClientTransactionEvents, TransactionEnv } from './types.js';

export type ServerTransaction = ServerInviteTransaction | ServerNonInviteTransaction | StatelessServerTransaction;
export { ServerInviteTransaction, ServerNonInviteTransaction };
export type ClientTransaction = ClientInviteTransaction | ClientNonInviteTransaction;

/** Where a request came from: what the TU needs to identify the peer and to answer it. */
export interface RequestContext {
  source: Endpoint;
  local: Endpoint;
  connectionId?: string;
  peer?: PeerCertificate;
  /** Where responses go (§18.2.2, RFC 3581), worked out once from the request's top Via. */
  replyTo?: Endpoint;
}

/** The transport operations the transaction layer uses (src/sip/transport/TransportLayer). */
export interface TransportPort {
  onMessage(handler: (m: InboundMessage) => void): void;
  send(dest: Endpoint, data: Buffer, options?: { connectionId?: string }): Promise<void>;
}

export interface TransactionUser {
  /**
   * A new request. `tx` is its server transaction; it is undefined for an ACK that matched no
   * INVITE server transaction (the ACK for a 2xx, which belongs to the dialog, §17.2.3), and for
   * CANCEL `cancelled` is the INVITE transaction it names, if any (§9.2).
   */
  onRequest(request: SipRequest, tx: ServerTransaction | undefined, context: RequestContext, cancelled?: ServerInviteTransaction): void;
}

export interface TransactionLayerStats {
  requests: number;
  responses: number;
  retransmissionsAbsorbed: number;
  parseErrors: number;
  rejected400: number;
  dropped: number;
  serverTransactions: number;
  clientTransactions: number;
}

export const MAGIC_COOKIE = 'z9hG4bK';

export function newBranch(): string {
  return MAGIC_COOKIE + randomBytes(9).toString('base64url');
}

export class TransactionLayer {
  readonly wheel: TimerWheel;
  readonly timers: SipTimers;
  readonly #transport: TransportPort;
  readonly #limits: ParseLimits;
  readonly #server = new Map<string, ServerTransaction>();
  readonly #client = new Map<string, ClientTransaction>();
  #tu: TransactionUser | undefined;
  readonly #stats: Omit<TransactionLayerStats, 'serverTransactions' | 'clientTransactions'> = {
    requests: 0, responses: 0, retransmissionsAbsorbed: 0, parseErrors: 0, rejected400: 0, dropped: 0,
  };
  readonly #onError: (err: unknown, what: string) => void;
  readonly #stateless: boolean;

  /**
   * `stateless`: act as a stateless UAS (RFC 3261 §8.2.7) — no server transactions are kept, ACK
   * and CANCEL are ignored, every request gets its answer straight away.
   */
  constructor(transport: TransportPort, options: { timers?: SipTimers; wheel?: TimerWheel; limits?: ParseLimits; onError?: (err: unknown, what: string) => void; stateless?: boolean } = {}) {
    this.#stateless = options.stateless ?? false;
    this.#transport = transport;
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.wheel = options.wheel ?? new TimerWheel();
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#onError = options.onError ?? (() => undefined);
    transport.onMessage((m) => this.#receive(m));
  }

  setUser(tu: TransactionUser): void {
    this.#tu = tu;
  }

  stats(): TransactionLayerStats {
    return { ...this.#stats, serverTransactions: this.#server.size, clientTransactions: this.#client.size };
  }

  /** Sends a response outside any transaction (the ACK-less 2xx retransmissions of a dialog use this too). */
  sendStateless(response: SipResponse, context: RequestContext): void {
    this.#sendResponse(response, context);
  }

  /**
   * Starts a client transaction for `request` toward `dest`. A Via with a fresh branch is put on
   * top unless the request already carries one with the magic cookie.
   */
  request(request: SipRequest, dest: Endpoint, events: ClientTransactionEvents, options: { connectionId?: string; viaHost?: string; viaPort?: number } = {}): ClientTransaction {
    let top = getHeader(request, 'Via');
    if (!top || !parseVia(top).branch?.startsWith(MAGIC_COOKIE)) {
      const via = `SIP/2.0/${dest.protocol.toUpperCase()} ${options.viaHost ?? '127.0.0.1'}${options.viaPort ? `:${options.viaPort}` : ''};branch=${newBranch()};rport`;
      request.headers.unshift({ name: 'Via', value: via });
      top = via;
    }
    const branch = parseVia(top).branch ?? '';
    const method = request.method === 'ACK' ? 'INVITE' : request.method;
    const id = `${branch}|${method}`;
    const env = this.#env(dest.protocol !== 'udp', (m) => void this.#transport.send(dest, serializeMessage(m), { connectionId: options.connectionId })
      .catch((e: unknown) => { this.#onError(e, 'send request'); tx.transportError(); }));
    const wrapped: ClientTransactionEvents = { ...events, onTerminated: () => { this.#client.delete(id); events.onTerminated?.(); } };
    const tx: ClientTransaction = request.method === 'INVITE'
      ? new ClientInviteTransaction(id, request, env, wrapped)
      : new ClientNonInviteTransaction(id, request, env, wrapped);
    this.#client.set(id, tx);
    tx.start();
    return tx;
  }

  /** Sends a request with no transaction (an ACK for a 2xx, §13.2.2.4). */
  sendAck(ack: SipRequest, dest: Endpoint, options: { connectionId?: string } = {}): Promise<void> {
    return this.#transport.send(dest, serializeMessage(ack), options);
  }

  close(): void {
    this.wheel.stop();
    this.#server.clear();
    this.#client.clear();
  }

  #env(reliable: boolean, send: (m: SipMessage) => void): TransactionEnv {
    return { wheel: this.wheel, timers: this.timers, reliable, send };
  }

  #receive(m: InboundMessage): void {
    const context: RequestContext = { source: m.source, local: m.local, connectionId: m.connectionId, peer: m.peer };
    let message: SipMessage;
    try {
      if (m.framingError) throw new SipParseError(m.framingError.status, m.framingError.reason, partialOf(m.data, this.#limits));
      message = parseMessage(m.data, this.#limits);
    } catch (e) {
      this.#stats.parseErrors++;
      if (e instanceof SipParseError) {
        const reply = buildErrorResponse(e);
        if (reply) {
          this.#stats.rejected400++;
          this.#sendResponse(reply, context);
        } else {
          this.#stats.dropped++;
        }
      } else {
        this.#stats.dropped++;
        this.#onError(e, 'parse');
      }
      return;
    }
    try {
      if (message.kind === 'request') this.#receiveRequest(message, context);
      else this.#receiveResponse(message);
    } catch (e) {
      // Never fail open: a request whose handling threw gets a 500 if it still can.
      this.#onError(e, 'handle');
      if (message.kind === 'request' && message.method !== 'ACK') {
        try {
          this.#sendResponse(buildResponse(message, 500, 'Server Internal Error'), context);
        } catch { /* the message was too broken to answer */ }
      }
    }
  }

  #receiveRequest(request: SipRequest, context: RequestContext): void {
    this.#stats.requests++;
    const via = parseVia(getHeader(request, 'Via') ?? '');
    const sentBy = `${via.host}:${via.port ?? ''}`;
    // §18.2.2: on UDP answer the source address, at the source port when rport was asked for
    // (RFC 3581), else at the Via port. Reliable transports answer on the connection.
    if (context.source.protocol === 'udp' && !via.params.has('rport')) context.replyTo = { ...context.source, port: via.port ?? 5060 };
    const branch = via.branch?.startsWith(MAGIC_COOKIE) ? via.branch : legacyKey(request);
    const key = (method: string) => `${branch}|${sentBy}|${method}`;

    if (this.#stateless) {
      // §8.2.7: "MUST ignore ACK requests" and "MUST ignore CANCEL requests".
      if (request.method === 'ACK' || request.method === 'CANCEL') return;
      const tx = new StatelessServerTransaction(key(request.method), request, (m) => this.#sendResponse(m, context));
      if (!this.#tu) return tx.respond(buildResponse(request, 503, 'Service Unavailable'));
      this.#tu.onRequest(request, tx, context);
      return;
    }
    if (request.method === 'ACK') {
      const invite = this.#server.get(key('INVITE'));
      if (invite instanceof ServerInviteTransaction) {
        this.#stats.retransmissionsAbsorbed++;
        invite.receive(request);
        return;
      }
      this.#tu?.onRequest(request, undefined, context);
      return;
    }
    const existing = this.#server.get(key(request.method));
    if (existing) {
      this.#stats.retransmissionsAbsorbed++;
      existing.receive(request);
      return;
    }
    const id = key(request.method);
    const env = this.#env(context.source.protocol !== 'udp', (m) => this.#sendResponse(m as SipResponse, context));
    const events = { onTerminated: () => this.#server.delete(id) };
    const tx: ServerTransaction = request.method === 'INVITE'
      ? new ServerInviteTransaction(id, request, env, events)
      : new ServerNonInviteTransaction(id, request, env, events);
    this.#server.set(id, tx);
    if (request.method === 'CANCEL') {
      const target = this.#server.get(key('INVITE'));
      this.#tu?.onRequest(request, tx, context, target instanceof ServerInviteTransaction ? target : undefined);
      return;
    }
    if (!this.#tu) {
      tx.respond(buildResponse(request, 503, 'Service Unavailable'));
      return;
    }
    this.#tu.onRequest(request, tx, context);
  }

  #receiveResponse(response: SipResponse): void {
    this.#stats.responses++;
    const via = parseVia(getHeader(response, 'Via') ?? '');
    const cseq = parseCSeq(getHeader(response, 'CSeq') ?? '');
    const method = cseq.method === 'ACK' ? 'INVITE' : cseq.method;
    const tx = this.#client.get(`${via.branch ?? ''}|${method}`);
    if (!tx) {
      this.#stats.dropped++; // §18.1.2: a stray response is discarded
      return;
    }
    tx.receive(response);
  }

  /** §18.2.2 with RFC 3581: same connection on streams; on UDP the source address, and its port when rport was asked for. */
  #sendResponse(response: SipResponse, context: RequestContext): void {
    let dest = context.replyTo ?? context.source;
    if (!context.replyTo && context.source.protocol === 'udp') {
      const via = safeVia(getHeader(response, 'Via'));
      if (via && !via.params.has('rport')) dest = { ...context.source, port: via.port ?? 5060 };
    }
    this.#transport.send(dest, serializeMessage(response), { connectionId: context.connectionId })
      .catch((e: unknown) => this.#onError(e, 'send response'));
  }
}

function safeVia(value: string | undefined) {
  if (!value) return undefined;
  try {
    return parseVia(value);
  } catch {
    return undefined;
  }
}

/** RFC 2543 peers have no magic cookie: match on the fields §17.2.3 lists for them. */
function legacyKey(request: SipRequest): string {
  const from = getHeader(request, 'From') ?? '';
  const tag = /;\s*tag=([^;>\s]+)/i.exec(from)?.[1] ?? '';
  const cseq = (getHeader(request, 'CSeq') ?? '').trim().split(/\s+/)[0] ?? '';
  return `2543:${getHeader(request, 'Call-ID') ?? ''}:${cseq}:${tag}:${request.method === 'ACK' ? '' : request.uri}`;
}

/** What can be read off a message the framer could not delimit, to answer it with a 400. */
function partialOf(data: Buffer, limits: ParseLimits): SipParseError['partial'] {
  const headEnd = data.indexOf('\r\n\r\n');
  // A head longer than the size limit never ends in what we kept: read what fields we can.
  if (headEnd < 0) return salvagePartial(data, limits);
  try {
    const m = parseMessage(data.subarray(0, headEnd + 4), limits);
    return m.kind === 'request' ? { headers: m.headers, method: m.method } : undefined;
  } catch (e) {
    return e instanceof SipParseError ? e.partial : undefined;
  }
}
