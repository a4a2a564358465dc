// Limits on TCP/TLS peers, in one place. They are constants rather than stored settings: a
// setting would need a store migration, and these are guards against abuse, not tuning knobs.
// TransportOptions can override each one (tests use small values).

/**
 * Time a peer has to finish a message once its first byte arrived. A peer sending one byte a
 * second (slow loris) is cut off after this. 20 s is twice the 10 s a TLS handshake may take and
 * far above what any real SIP message needs (one RTT plus a few segments, even on a bad mobile
 * link), while keeping a held connection's cost bounded.
 */
export const MESSAGE_DEADLINE_MS = 20_000;

/**
 * An inbound connection that has not delivered one complete message this long after it opened
 * is closed (keep-alive pings do not count). Gateways that keep a connection open send OPTIONS
 * or traffic well within this; a connection opened and left silent only holds a slot.
 */
export const FIRST_MESSAGE_TIMEOUT_MS = 60_000;

/** Any stream with no traffic at all for this long is closed (RFC 5626 peers ping every 2 min or less). */
export const IDLE_TIMEOUT_MS = 300_000;

/**
 * Concurrent inbound connections (TLS handshakes included) from one source IP address. A
 * gateway or SBC needs a few; 64 leaves room for a pool of them behind one NAT while keeping
 * one address from taking the 10 000 connections of the whole layer.
 */
export const MAX_CONNECTIONS_PER_SOURCE = 64;

/** A source refused for the per-source cap is logged at most once per this period. */
export const REFUSAL_LOG_INTERVAL_MS = 60_000;
