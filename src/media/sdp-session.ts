// The session-level lines our offers and answers share (RFC 4566 §5: v=, o=, s=, c=, t=).
import type sdpTransform from 'sdp-transform';

export function sessionLines(local: { address: string; sessionId: string }): Omit<sdpTransform.SessionDescription, 'media'> {
  const family = local.address.includes(':') ? 6 : 4;
  return {
    version: 0,
    origin: { username: 'OpenUM', sessionId: local.sessionId, sessionVersion: 1, netType: 'IN', ipVer: family, address: local.address },
    name: 'OpenUM',
    connection: { version: family, ip: local.address },
    timing: { start: 0, stop: 0 },
  };
}
