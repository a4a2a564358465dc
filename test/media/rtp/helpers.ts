// Shared pieces for the RTP tests: socket pairs from the real PortAllocator, a raw UDP peer, and
// polling for asynchronous conditions with a deadline (no sleeps of fixed length).
import { createSocket, type Socket } from 'node:dgram';
import { PortAllocator, type MediaPorts } from '../../../src/media/port-allocator.js';
import { RtpPacket } from '../../../src/media/rtp/rtp-packet.js';

export const allocator = new PortAllocator({ min: 30000, max: 39999 });

export function allocate(address = '127.0.0.1'): Promise<MediaPorts> {
  return allocator.allocate(address);
}

export function bindRaw(address = '127.0.0.1', port = 0): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

export function closeRaw(s: Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

export function sendRaw(s: Socket, buf: Buffer, port: number, address = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => s.send(buf, port, address, (e) => (e ? reject(e) : resolve())));
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function rtp(seq: number, ts: number, ssrc = 0x11223344, payload = Buffer.alloc(160, 0xff)): Buffer {
  return new RtpPacket({ payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc, payload }).serialize();
}

/** Flips one random bit of a non-empty buffer in place (fuzzing). */
export function flipBit(buf: Buffer): void {
  const i = Math.floor(Math.random() * buf.length);
  buf[i] = (buf[i] ?? 0) ^ (1 << Math.floor(Math.random() * 8));
}
