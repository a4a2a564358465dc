// A bare RTP phone for the call tests: a UDP socket that sends paced G.711 audio and RFC 4733
// digits (optionally SRTP-protected) to a MediaChannel, and keeps what the channel sends back.
import type { Socket } from 'node:dgram';
import { encode } from '../../src/media/audio/g711.js';
import { dtmfPackets } from '../../src/media/dtmf/dtmf-sender.js';
import { RtpPacket } from '../../src/media/rtp/rtp-packet.js';
import type { SrtpTransform } from '../../src/media/srtp/srtp-session.js';
import { bindRaw, closeRaw, sendRaw } from '../media/rtp/helpers.js';

export const PCMU = 0;
export const TELEPHONE_EVENT = 101;

export class Phone {
  readonly socket: Socket;
  readonly received: Buffer[] = [];
  #seq = 1000;
  #ts = 50_000;
  readonly #ssrc = 0x5eed0001;
  readonly #target: { address: string; port: number };
  readonly #srtp: SrtpTransform | undefined;

  private constructor(socket: Socket, target: { address: string; port: number }, srtp?: SrtpTransform) {
    this.socket = socket;
    this.#target = target;
    this.#srtp = srtp;
    socket.on('message', (m) => this.received.push(m));
  }

  static async open(target: { address: string; port: number }, options: { address?: string; srtp?: SrtpTransform } = {}): Promise<Phone> {
    return new Phone(await bindRaw(options.address ?? '127.0.0.1'), target, options.srtp);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The next packet as it goes on the wire (protected when SRTP is on). */
  packet(payloadType: number, payload: Buffer, marker = false, timestampStep = 160): Buffer {
    const plain = new RtpPacket({ payloadType, sequenceNumber: this.#seq, timestamp: this.#ts >>> 0, ssrc: this.#ssrc, payload, marker }).serialize();
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts += timestampStep;
    return this.#srtp ? this.#srtp.protect(plain) : plain;
  }

  send(wire: Buffer): Promise<void> {
    return sendRaw(this.socket, wire, this.#target.port, this.#target.address);
  }

  /** Sends `samples` as PCMU packets of packetMs on a real-time clock (as a phone does, whatever the load). */
  async talk(samples: Int16Array, packetMs = 20): Promise<void> {
    const start = performance.now();
    const step = packetMs * 8;
    for (let i = 0, n = 0; i < samples.length; i += step, n++) {
      await this.send(this.packet(PCMU, encode(samples.subarray(i, i + step), 'PCMU'), i === 0, step));
      const due = start + (n + 1) * packetMs - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
    }
  }

  /** Presses a key (RFC 4733: start, updates, three end packets, one timestamp). */
  async press(digit: string): Promise<void> {
    const start = this.#ts;
    for (const p of dtmfPackets(digit, { durationMs: 100 })) {
      const plain = new RtpPacket({ payloadType: TELEPHONE_EVENT, sequenceNumber: this.#seq, timestamp: start >>> 0, ssrc: this.#ssrc, payload: p.payload, marker: p.marker }).serialize();
      this.#seq = (this.#seq + 1) & 0xffff;
      await this.send(this.#srtp ? this.#srtp.protect(plain) : plain);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.#ts += 800;
  }

  close(): Promise<void> {
    return closeRaw(this.socket);
  }
}

/** A sine at `hz`, -12 dBFS: speech-like loudness for the silence detector. */
export function tone(ms: number, hz = 440): Int16Array {
  const n = Math.round(ms * 8);
  return Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
}
