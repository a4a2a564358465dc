// A UDP load generator run as a separate process by throughput.test.ts (a sender in the same
// event loop as the receiver starves it and measures nothing): node udp-sender.js PORT COUNT RATE
import { createSocket } from 'node:dgram';
import { sipRequest } from './harness.js';

const [port, total, rate] = process.argv.slice(2).map(Number) as [number, number, number];
const socket = createSocket('udp4');
const msg = Buffer.from(sipRequest(1, 'UDP'));
const t0 = Date.now();
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * rate) + 100);
  while (sent < due) {
    socket.send(msg, port, '127.0.0.1');
    sent++;
  }
  await new Promise((r) => setTimeout(r, 1));
}
await new Promise((r) => setTimeout(r, 100));
socket.close();
