// The address a worker offers for media in its SDP answer (RFC 4566 c=): the address the INVITE
// arrived on, or — when SIP listens on the unspecified address (0.0.0.0 / ::) — the local address
// the kernel would use to reach the caller, found by connecting a UDP socket (no packet is sent).
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';

export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

export async function mediaAddressFor(local: string, peer: string): Promise<string> {
  if (!isUnspecified(local)) return local;
  const family = isIP(peer);
  if (family === 0) return '127.0.0.1';
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(9, peer, () => resolve(socket.address().address));
    });
  } catch {
    return family === 6 ? '::1' : '127.0.0.1';
  } finally {
    socket.close();
  }
}
