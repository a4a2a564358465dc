// The media thread of a UM worker: a LocalMediaHost (ports, the 20 ms clock, one MediaChannel per
// call) driven by messages from the worker's event loop (protocol.ts). Nothing here touches SIP,
// the store or files: its event loop has only RTP, RTCP and the clock to run.
import { parentPort } from 'node:worker_threads';
import { Buffer } from 'node:buffer';
import type { NegotiatedMedia } from '../media-channel.js';
import type { MediaLease } from '../media-host.js';
import { LocalMediaHost } from '../local-media-host.js';
import { MediaClock } from '../media-clock.js';
import { BatchedUdpIn } from '../native/udp-batch-in.js';
import { BatchedUdpOut } from '../native/udp-batch-out.js';
import { loadUdpAddon, loadUdpPaceAddon, loadUdpRecvAddon } from '../native/udp.js';
import { applyMediaPriority, type ThreadPriorityAddon } from './media-priority.js';
import { FrameBatch } from './frame-batch.js';
import type { FromThread, ToThread } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('media-thread.js runs as a worker thread');
// RTP packets leave through the native/udp addon in one call per tick when it is built (and
// OPENUM_NATIVE is not 0), else through dgram (../native/udp-batch-out.ts). The addon also owns
// the IPv4 RTP sockets and reads them all once per clock tick, unless OPENUM_NATIVE_RECV=0
// (../native/udp-batch-in.ts). With both, a pacer thread sends each tick's packets when the next
// frame is due, unless OPENUM_MEDIA_PACE=0 (native/udp/udp_pacer.c).
const loaded = loadUdpAddon();
const udp = loaded.addon;
const recv = loadUdpRecvAddon().addon;
const pacer = loadUdpPaceAddon().addon;
const clock = new MediaClock();
const host = new LocalMediaHost(clock, udp ? new BatchedUdpOut(udp, pacer) : undefined, recv ? new BatchedUdpIn(recv, clock) : undefined);
const leases = new Map<number, MediaLease>();
const endpoints = new Map<number, ReturnType<LocalMediaHost['open']>>();
let nextId = 1;
const post = (m: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
// This thread's clock goes before the worker's own event loop and the rest of the machine.
post({ t: 'priority', priority: applyMediaPriority(udp as Partial<ThreadPriorityAddon> | undefined, process.env, loaded.why) });

// Captured frames wait here until the end of the clock's turn, then go as one message.
const batch = new FrameBatch();
let flushing = false;
function flush(): void {
  flushing = false;
  if (batch.size === 0) return;
  const { meta, samples } = batch.take();
  post({ t: 'frames', meta, samples }, [meta.buffer as ArrayBuffer, samples.buffer as ArrayBuffer]);
}

/** A Buffer crosses threads as a plain Uint8Array (structured clone): the SRTP keys are Buffers again. */
function withBuffers(media: NegotiatedMedia): NegotiatedMedia {
  if (!media.srtp) return media;
  const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return { ...media, srtp: { ...media.srtp, localKey: buf(media.srtp.localKey), remoteKey: buf(media.srtp.remoteKey) } };
}

function fail(req: number, e: unknown): void {
  post({ t: 'failed', req, message: e instanceof Error ? e.message : String(e) });
}

async function handle(m: ToThread): Promise<void> {
  switch (m.t) {
    case 'alloc': {
      try {
        const lease = await host.allocate(m.address, m.range);
        const id = nextId++;
        leases.set(id, lease);
        post({ t: 'alloc', req: m.req, id, port: lease.port });
      } catch (e) {
        fail(m.req, e);
      }
      return;
    }
    case 'release':
      leases.get(m.id)?.release();
      leases.delete(m.id);
      return;
    case 'open': {
      const lease = leases.get(m.id);
      if (!lease) return;
      leases.delete(m.id);
      const endpoint = host.open(lease, withBuffers(m.media));
      endpoints.set(m.id, endpoint);
      endpoint.onDigit((digit) => post({ t: 'digit', id: m.id, digit }));
      return;
    }
    case 'play': {
      const endpoint = endpoints.get(m.id);
      if (!endpoint) return post({ t: 'played', id: m.id, play: m.play, completed: false });
      const completed = await endpoint.channel.playEncoded(Buffer.from(m.payloads.buffer, m.payloads.byteOffset, m.payloads.byteLength));
      post({ t: 'played', id: m.id, play: m.play, completed });
      return;
    }
    case 'stopPlayback':
      endpoints.get(m.id)?.stopPlayback();
      return;
    case 'startCapture':
      endpoints.get(m.id)?.startCapture((frame, kind, ms) => {
        batch.add(m.id, m.cap, kind, ms, frame);
        if (!flushing) {
          flushing = true;
          setImmediate(flush);
        }
      });
      return;
    case 'stopCapture': {
      if (flushing) flush(); // what was captured before the stop arrives first
      const frames = await (endpoints.get(m.id)?.stopCapture() ?? []);
      post({ t: 'stopped', req: m.req, frames });
      return;
    }
    case 'end': {
      const endpoint = endpoints.get(m.id);
      if (!endpoint) return fail(m.req, new Error('no such call media'));
      endpoints.delete(m.id);
      if (flushing) flush();
      post({ t: 'ended', req: m.req, stats: await endpoint.end(m.reason) });
      return;
    }
    case 'stop':
      for (const lease of leases.values()) lease.release();
      leases.clear();
      endpoints.clear();
      await host.stop();
      post({ t: 'stopped-all', req: m.req });
      return;
  }
}

port.on('message', (m: ToThread) => void handle(m).catch((e: unknown) => ('req' in m ? fail(m.req, e) : undefined)));
