// Entry point of a UM worker process (forked by services/supervisor.ts). It carries calls on its
// own SIP ports (5065/5066 or 5067/5068), follows the UM service's startup mode and certificate
// through the store, and reports its call count to the main process.
import { OpenUmError } from '../../errors.js';
import { PromptLibrary } from '../../media/audio/prompt-library.js';
import { mediaHost } from './media-host-choice.js';
import { getServer } from '../../org/server-settings.js';
import { usesTls } from '../../org/startup-mode.js';
import { ChangeWatcher } from '../change-watcher.js';
import { createLogger } from '../log.js';
import { openNode, requireServer } from '../node.js';
import { RoutingCache } from '../routing/routing-cache.js';
import { loadRoutingKey } from '../routing/routing-key.js';
import { RoutingTokens } from '../routing/routing-token.js';
import { listenSpecs } from '../sip/listeners.js';
import { PeerVerifier } from '../sip/peer-verifier.js';
import { SipEndpoint } from '../sip/sip-endpoint.js';
import { StoreTlsProvider } from '../sip/tls-provider.js';
import { WORKER_ENV, type FromWorker, type ToWorker, type WorkerEnv } from './ipc.js';
import { CallSession } from './call-session.js';
import { mediaAddressFor } from './media-address.js';
import { openMailbox, openPinService } from '../mailbox/open-mailbox.js';
import { Worker } from './worker.js';
import { DiskAdmission } from './disk-admission.js';
import { PendingMessages } from '../voicemail/pending-messages.js';
import { RefusalLog } from '../routing/refusal-log.js';
import { getPlayOnPhone, setPlayOnPhoneState } from '../../org/play-on-phone.js';
import { OutboundClient } from '../sip/outbound-client.js';
import { OutboundCall } from './outbound-call.js';
import { metricsJson, setProcessName } from '../ops/process-metrics.js';

const env = JSON.parse(process.env[WORKER_ENV] ?? 'null') as WorkerEnv | null;
if (!env || !process.send) {
  process.stderr.write('error: the UM worker is started by `openum start`, not by hand\n');
  process.exit(2);
}

const send = (m: FromWorker) => process.send?.(m);
const log = createLogger(undefined, `worker-${env.index + 1}`).child({ worker: env.index + 1 });
setProcessName(`worker-${env.index + 1}`);

async function main(e: WorkerEnv): Promise<void> {
  const node = await openNode({ dataDir: e.dataDir, databaseUrl: e.databaseUrl, actor: { name: `worker-${e.index}` } });
  const server = requireServer(node);
  const tls = new StoreTlsProvider(node, 'UM', log);
  const routing = new RoutingCache(node.store.db);
  const verifier = new PeerVerifier(node.store.db);
  const tokens = new RoutingTokens(await loadRoutingKey(node.store.db));
  const media = mediaHost(log);
  const mailbox = openMailbox(node);
  const pins = openPinService(node, log);
  const prompts = new PromptLibrary();
  const pending = new PendingMessages(e.dataDir);
  const endpoint = new SipEndpoint(`worker-${e.index + 1}`, { tls, log });
  let settings = await getServer(node.store.db, server);
  const refusals = new RefusalLog('worker', { worker: e.index + 1 });
  const disk = new DiskAdmission({ dir: e.dataDir, log });
  await disk.start();
  node.store.health.watch();
  const worker = new Worker({
    number: e.index + 1,
    refusals,
    disk,
    store: node.store.health,
    layer: endpoint.layer,
    capacity: () => settings.umService.maxCallsAllowed,
    policy: (id) => {
      const plan = id === undefined ? undefined : routing.dialPlanById(id);
      return {
        requireTls: plan ? plan.voipSecurity !== 'Unsecured' : false,
      };
    },
    rtpPorts: () => settings.umService.rtpPorts,
    media,
    routing: { view: routing, verifier, tokens },
    mediaAddress: (context) => mediaAddressFor(context.local.address, context.source.address),
    startCall: (input) => new CallSession({
      db: node.store.db, dataDir: e.dataDir, serverName: server, worker: e.index, media, prompts, log, mailbox, pins,
      minRecordingMs: () => settings.umService.minRecordingMs,
      onStored: (id, userId) => send({ type: 'voicemail', id, userId }),
      pending, onPending: () => send({ type: 'voicemail-pending' }),
    }, input),
    log,
    onCallsChanged: (count) => {
      send({ type: 'calls', count });
      if (draining && count === 0) void shutdown(0);
    },
  });
  endpoint.setUser(worker);
  const outbound = new OutboundClient({ layer: endpoint.layer, transport: endpoint.transport, verifier });
  const outcalls = new Map<number, OutboundCall>();
  const placeCall = async (id: number) => {
    if (outcalls.has(id)) return;
    const request = await getPlayOnPhone(node.store.db, id);
    if (request.cancelRequested) return void await setPlayOnPhoneState(node.store.db, id, 'cancelled', { reason: 'cancelled before dialing' });
    if (request.state !== 'dialing') return;
    const call = new OutboundCall({
      db: node.store.db, mailbox, worker: e.index, fqdn: () => settings.fqdn, client: outbound, media,
      allocatePorts: (local) => worker.allocatePorts(local), adopt: (dialog, app, info) => worker.adopt(dialog, app, info), log,
    }, request);
    outcalls.set(id, call);
    void call.done.finally(() => outcalls.delete(id));
  };

  let listening = { tcp: false, tls: false };
  const apply = async () => {
    settings = await getServer(node.store.db, server);
    await tls.reload();
    await routing.reload();
    await verifier.reload();
    const mode = settings.umService.startupMode;
    const result = await endpoint.apply(listenSpecs(mode, e.ports, e.addresses, { udp: true }));
    listening = { tcp: mode !== 'TLS' && result.failed.every((f) => f.spec.protocol === 'tls'), tls: usesTls(mode) && !!tls.secureContext() };
  };
  await apply();
  const watcher = new ChangeWatcher(node.store.db, log);
  watcher.onChange(async () => {
    await apply();
    send({ type: 'listening', listening });
  });
  await watcher.start();

  let draining = false;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    disk.stop();
    await watcher.stop();
    await endpoint.close();
    await media.stop();
    await node.close();
    process.exit(code);
  };
  process.on('message', (m: ToWorker) => {
    if (m.type === 'drain') {
      draining = true;
      worker.stopAccepting();
      if (worker.calls === 0) void shutdown(0);
    } else if (m.type === 'play-on-phone') {
      placeCall(m.id).catch((err: unknown) => log.error({ err, id: m.id }, 'cannot place the Play on Phone call'));
    } else if (m.type === 'play-on-phone-cancel') {
      outcalls.get(m.id)?.cancel();
    } else if (m.type === 'status') {
      send({ type: 'status', id: m.id, calls: worker.liveCalls(), refusals: refusals.list() });
    } else if (m.type === 'metrics') {
      void metricsJson().then((metrics) => send({ type: 'metrics', id: m.id, metrics }));
    } else if (m.type === 'stop') {
      void hangUpAndExit();
    }
  });
  // Calls end with BYE and their recordings are completed (for at most 2 s) before the exit.
  const hangUpAndExit = async () => {
    await Promise.race([worker.hangUpAll(), new Promise((r) => setTimeout(r, 2000))]);
    setTimeout(() => void shutdown(0), 200);
  };
  // The main process went away: end calls and exit rather than linger as an orphan.
  process.on('disconnect', () => void hangUpAndExit());
  process.on('SIGTERM', () => void hangUpAndExit());
  send({ type: 'ready', listening });
}

main(env).catch((err: unknown) => {
  log.error({ err }, err instanceof OpenUmError ? err.message : 'UM worker failed to start');
  process.exit(1);
});
