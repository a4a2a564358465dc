// Counters kept by the transport layer; `snapshot` copies them for `TransportLayer.stats()`.
import type { TransportStats } from './types.js';

export type Counters = Omit<TransportStats, 'openConnections'>;

export function createCounters(): Counters {
  return {
    messagesIn: { udp: 0, tcp: 0, tls: 0 },
    messagesOut: { udp: 0, tcp: 0, tls: 0 },
    droppedOversize: 0,
    keepalivesIgnored: 0,
    framingErrors: 0,
    keepalivesAnswered: 0,
    connectionsRefused: 0,
    slowReadersClosed: 0,
    idleClosed: 0,
    tlsHandshakeFailures: {},
    refusedPerSource: 0,
    messageDeadlineClosed: 0,
  };
}

export function snapshot(c: Counters, openConnections: number): TransportStats {
  return {
    ...c,
    messagesIn: { ...c.messagesIn },
    messagesOut: { ...c.messagesOut },
    tlsHandshakeFailures: { ...c.tlsHandshakeFailures },
    openConnections,
  };
}
