// The worker's call media runs on a thread of its own (media/thread/), so the 20 ms clock does
// not wait behind SIP, the store or file writes. OPENUM_MEDIA_THREAD=0 keeps it on the worker's
// event loop (to compare the two in bench:media, or where threads are not wanted).
import type { Logger } from 'pino';
import { LocalMediaHost } from '../../media/local-media-host.js';
import type { MediaHost } from '../../media/media-host.js';
import { loadUdpAddon, loadUdpPaceAddon, loadUdpRecvAddon } from '../../media/native/udp.js';
import { preferredSrtpImplementation } from '../../media/srtp/index.js';
import { wantedMediaNice, wantedMediaRealtime } from '../../media/thread/media-priority.js';
import { ThreadMediaHost } from '../../media/thread/thread-media-host.js';

export function mediaHost(log: Logger, env: NodeJS.ProcessEnv = process.env): MediaHost {
  if (env.OPENUM_MEDIA_THREAD === '0') {
    log.info('call media on the worker event loop (OPENUM_MEDIA_THREAD=0)');
    return new LocalMediaHost();
  }
  // The thread loads native/udp itself (media-thread.ts); this only says which way RTP will go.
  const udp = loadUdpAddon();
  const recv = loadUdpRecvAddon(env);
  const pace = loadUdpPaceAddon(env);
  const sent = udp.addon ? `sent in batches by native/udp${pace.addon ? ' when due (a pacer thread)' : ` as built (not paced: ${pace.why})`}` : `sent by dgram (${udp.why})`;
  const received = recv.addon ? 'IPv4 RTP received in batches by native/udp' : `received by dgram (${recv.why})`;
  log.info(`call media on a media thread, RTP ${sent}, ${received}; SRTP on ${preferredSrtpImplementation()}`);
  // A wrong setting is said at start, not only when the first call starts the thread.
  for (const setting of [wantedMediaNice(env).problem, wantedMediaRealtime(env).problem]) if (setting) log.warn(`media thread: ${setting}`);
  return new ThreadMediaHost({
    onPriority: (p) => {
      if (p.problem) log.warn(`media thread: ${p.problem}`);
      else if (p.realtime > 0) log.info(`media thread at real-time priority ${p.realtime} (SCHED_RR): its clock goes before the worker's other work`);
      else if (p.nice !== 0) log.info(`media thread at nice ${p.nice}: its clock goes before the worker's other work`);
    },
  });
}
