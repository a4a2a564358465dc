// Entry point of a Call Router process. `openum start` runs one per core under node:cluster: they
// share the SIP sockets (the kernel hands each datagram, and each new connection, to one of them)
// and route statelessly (RFC 3261 §8.2.7), so it does not matter which process gets which message.
import { OpenUmError } from '../../errors.js';
import { getServer, type ServerSettings } from '../../org/server-settings.js';
import { usesTls } from '../../org/startup-mode.js';
import { tlsIdentity } from '../../pki/tls-identity.js';
import { ChangeWatcher } from '../change-watcher.js';
import { createLogger } from '../log.js';
import { openNode, requireServer } from '../node.js';
import { listenSpecs } from '../sip/listeners.js';
import { PeerVerifier } from '../sip/peer-verifier.js';
import { SipEndpoint } from '../sip/sip-endpoint.js';
import { MAX_CONNECTIONS_PER_SOURCE } from '../../sip/transport/limits.js';
import { StoreTlsProvider } from '../sip/tls-provider.js';
import { RefusalLog } from '../routing/refusal-log.js';
import { RoutingCache } from '../routing/routing-cache.js';
import { loadRoutingKey } from '../routing/routing-key.js';
import { RoutingTokens } from '../routing/routing-token.js';
import { CallRouter } from './call-router.js';
import { UmPicker } from './um-picker.js';
import { ROUTER_ENV, type RouterEnv } from './router-env.js';
import { startMaintenanceGc } from '../ops/maintenance-gc.js';
import { metricsJson, setProcessName } from '../ops/process-metrics.js';

const env = JSON.parse(process.env[ROUTER_ENV] ?? 'null') as RouterEnv | null;
if (!env) {
  process.stderr.write('error: the Call Router process is started by `openum start`, not by hand\n');
  process.exit(2);
}
const log = createLogger(undefined, `call-router-${env.index + 1}`).child({ router: env.index + 1 });
setProcessName(`call-router-${env.index + 1}`);

async function main(e: RouterEnv): Promise<void> {
  const node = await openNode({ dataDir: e.dataDir, databaseUrl: e.databaseUrl, actor: { name: `call-router-${e.index}` } });
  const server = requireServer(node);
  const tls = new StoreTlsProvider(node, 'UMCallRouter', log);
  const routing = new RoutingCache(node.store.db);
  const verifier = new PeerVerifier(node.store.db);
  const tokens = new RoutingTokens(await loadRoutingKey(node.store.db));
  // node:cluster hands new connections to the processes in turn (round-robin), so each process
  // takes its share of the per-source cap and the node as a whole admits about the cap.
  const maxConnectionsPerSource = Math.ceil(MAX_CONNECTIONS_PER_SOURCE / Math.max(1, e.count ?? 1));
  const endpoint = new SipEndpoint(`call-router-${e.index + 1}`, { tls, log, shared: true, stateless: true, maxConnectionsPerSource });
  let settings: ServerSettings = await getServer(node.store.db, server);
  let umTakesTls = false;
  const refusals = new RefusalLog('callRouter');
  // The UM services of every live node sharing the store, this one's judged by its settings here.
  const picker = new UmPicker(node.store.db, server, e.umHere ?? true, {
    takes: (secured) => {
      const mode = settings.umService.startupMode;
      return secured ? usesTls(mode) && umTakesTls : mode !== 'TLS';
    },
  }, log);
  node.store.health.watch();
  endpoint.setUser(new CallRouter({
    refusals,
    store: node.store.health,
    routing: { view: routing, verifier, tokens },
    log: log.child({ role: 'call-router' }),
    umService: (secured, arrivedOn, local) => picker.pick(secured, arrivedOn, local),
  }));

  const apply = async () => {
    settings = await getServer(node.store.db, server);
    await Promise.all([tls.reload(), routing.reload(), verifier.reload()]);
    umTakesTls = (await tlsIdentity(node.store.db, node.vault, server, 'UM')) !== undefined;
    const cr = settings.callRouter;
    await endpoint.apply(listenSpecs(cr.startupMode, { tcp: cr.sipTcpPort, tls: cr.sipTlsPort }, e.addresses, { udp: cr.sipUdp }));
  };
  // The node list is read before the listeners open: a process replacing another (openum service
  // restart callrouter) shares its sockets and answers from its first datagram on.
  await picker.start();
  await apply();
  const watcher = new ChangeWatcher(node.store.db, log);
  watcher.onChange(apply);
  watcher.onChange(() => picker.refresh());
  await watcher.start();
  // Full collections V8 would otherwise put off for an hour at UM call rates (maintenance-gc.ts).
  const maintenance = startMaintenanceGc({ everyMs: 30_000, garbageBytes: 2 * 2 ** 20, gc: globalThis.gc });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    maintenance?.stop();
    await watcher.stop();
    picker.stop();
    await endpoint.close();
    await node.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  // The primary asks for the last refusals when someone reads them (router-pool.ts status()).
  process.on('message', (m: { type?: string; id?: unknown }) => {
    if (m?.type === 'status' && typeof m.id === 'number') process.send?.({ type: 'status', id: m.id, refusals: refusals.list() });
    if (m?.type === 'metrics' && typeof m.id === 'number') {
      const id = m.id;
      void metricsJson().then((metrics) => process.send?.({ type: 'metrics', id, metrics }));
    }
  });
  process.on('disconnect', () => void stop());
  process.send?.({ type: 'ready' });
}

main(env).catch((err: unknown) => {
  log.error({ err }, err instanceof OpenUmError ? err.message : 'Call Router failed to start');
  process.exit(1);
});
