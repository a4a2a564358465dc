// `openum start`: runs this node's roles. First start initialises the data directory (store,
// self-signed certificate, administrator token). Changes made by any `openum` command, while
// running or not, are picked up through the store's revision (services/change-watcher.ts).
import { availableParallelism } from 'node:os';
import { isOpenUmError, OpenUmError } from '../../errors.js';
import { SipRoles } from '../../services/sip-roles.js';
import { ChangeWatcher } from '../../services/change-watcher.js';
import { ControlSocket } from '../../services/control-socket.js';
import { initialiseNode } from '../../services/install.js';
import { getServer } from '../../org/server-settings.js';
import { parseNodeRoles } from '../../org/nodes.js';
import { parseSipAddresses } from '../../org/sip-addresses.js';
import { NodeHeartbeat } from '../../services/node-heartbeat.js';
import { RoleRestarter } from '../../services/role-restarter.js';
import { openUmVersion } from '../../services/ops/version.js';
import { NodeOperations, setNodeOperations } from '../../services/ops/node-operations.js';
import { liveNodeStatus } from '../../services/ops/live-node-status.js';
import { CertificateWatch } from '../../services/ops/certificate-watch.js';
import { createLogger, logSettings } from '../../services/log.js';
import { openNode, requireServer, resolveDataDir } from '../../services/node.js';
import { VoicemailService } from '../../services/voicemail/voicemail-service.js';
import { AdminServer } from '../../web/admin-server.js';
import { flag, list, parse, str } from '../args.js';
import { printInstall } from './init.js';

const HELP = `openum start [--data DIR] [--fqdn NAME] [--name NAME] [--admin-address IP] [--admin-port N]
             [--sip-address IP]... [--routers N] [--roles all|callrouter|um] [--no-sip]
             [--log-level LEVEL] [--log-format text|json]
  Runs the server. The first start initialises DIR (default ./data, or OPENUM_DATA): the store
  (SQLite, or PostgreSQL when OPENUM_DATABASE_URL is set), a self-signed certificate for the
  server's FQDN (--fqdn, default the host name), and an administrator token, printed once.
  --admin-address/--admin-port override the stored admin API listener for this run.
  --sip-address: where the SIP roles listen for this run (repeatable or comma-separated; default
  the stored setting, openum server set --sip-address, else 0.0.0.0). The Call Router uses
  its configured ports (5060/5061), the UM service 5062/5063, the two workers 5065-5068.
  --routers: Call Router processes sharing the SIP ports (default: one per core, at most 4).
  --roles: all (default); callrouter (only the Call Router: it sends calls to the UM services of
  the live nodes sharing the store); um (only the UM service and its workers). Nodes on one
  PostgreSQL store find each other (openum node list).
  The media (RTP) port range is a stored setting: openum service set --rtp-ports MIN-MAX.
  --log-level: fatal, error, warn, info (default), debug, trace or silent (or OPENUM_LOG_LEVEL).
  --log-format: text (aligned lines: time, level, role, message; the default on a terminal) or
  json (one JSON object per line; the default when stderr is not a terminal), or OPENUM_LOG_FORMAT.`;


function portOverride(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new OpenUmError('BAD_ARGUMENT', `--admin-port must be a port number from 0 to 65535 (got "${text}")`);
  return n;
}

function routerCount(text: string | undefined): number {
  if (text === undefined) return Math.min(4, availableParallelism());
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new OpenUmError('BAD_ARGUMENT', `--routers must be a whole number from 1 to 16 (got "${text}")`);
  return n;
}

export async function startCommand(argv: string[]): Promise<void> {
  const p = parse('start', argv, {
    fqdn: { type: 'string' }, name: { type: 'string' }, 'admin-address': { type: 'string' }, 'admin-port': { type: 'string' },
    'sip-address': { type: 'string', multiple: true }, routers: { type: 'string' }, roles: { type: 'string' }, 'no-sip': { type: 'boolean' },
    'log-level': { type: 'string' }, 'log-format': { type: 'string' },
  }, { min: 0, max: 0, usage: '[--data DIR] [--fqdn NAME] [--admin-port N]' });
  if (p.values.help) return void console.log(HELP);
  // Settled once here; the Call Router and worker processes inherit them through the environment.
  const logging = logSettings({ level: str(p, 'log-level'), format: str(p, 'log-format') });
  const rolesText = str(p, 'roles');
  const nodeRoles = rolesText === undefined ? 'all' : parseNodeRoles(rolesText, '--roles');
  if (rolesText !== undefined && flag(p, 'no-sip')) throw new OpenUmError('BAD_ARGUMENT', '--roles and --no-sip cannot be used together: --no-sip runs no SIP role at all');
  process.env.OPENUM_LOG_LEVEL = logging.level;
  process.env.OPENUM_LOG_FORMAT = logging.format;
  const log = createLogger();
  const node = await openNode({ dataDir: resolveDataDir(str(p, 'data')), databaseUrl: process.env.OPENUM_DATABASE_URL || undefined, actor: { name: 'server' } });
  if (!node.serverName) printInstall(node.dataDir, await initialiseNode(node, { fqdn: str(p, 'fqdn'), name: str(p, 'name') }));

  // While the server runs, the store's health is probed (store/store-health.ts): new calls get 503
  // and the admin API answers 503 while PostgreSQL is unreachable; both resume when it answers.
  node.store.health.watch();
  const flagged = list(p, 'sip-address');
  const addresses = flagged.length ? parseSipAddresses(flagged, '--sip-address') : (await getServer(node.store.db, requireServer(node))).sipAddresses;
  const voicemail = new VoicemailService(node, log);
  const roles = flag(p, 'no-sip') ? undefined : new SipRoles(node, log, { addresses, routers: routerCount(str(p, 'routers')), voicemail, roles: nodeRoles });
  const admin = new AdminServer(node, log, roles && { slots: () => roles.supervisor.slots(), recycle: (i) => roles.supervisor.recycle(i) }, roles);
  const ops = new NodeOperations(node, roles);
  setNodeOperations(ops);
  const startedAt = new Date();
  let adminBound: { address: string; port: number } | null = null;
  const control = new ControlSocket(node.dataDir, roles, log, () => liveNodeStatus(roles, startedAt, adminBound));
  const watcher = new ChangeWatcher(node.store.db, log);
  watcher.onChange(() => admin.reload());
  if (roles) watcher.onChange(() => roles.reload());
  watcher.onChange(() => voicemail.onStoreChange());
  const override = { address: str(p, 'admin-address'), port: portOverride(str(p, 'admin-port')) };
  const bound = await admin.start(override);
  adminBound = bound;
  // Recordings a crash left unfinished are completed before any worker can take a call.
  await voicemail.recover();
  // Where other nodes' Call Routers reach this node's UM service: its first specific SIP address, else its FQDN.
  const sipHost = addresses.find((a) => a !== '0.0.0.0' && a !== '::') ?? (await getServer(node.store.db, requireServer(node))).fqdn;
  const heartbeat = roles && new NodeHeartbeat(node, requireServer(node), openUmVersion(), async () => {
    const um = roles.umCapacity();
    return { roles: roles.nodeRoles, sipHost, umTcp: um.tcp, umTls: um.tls, calls: um.calls, maxCalls: um.maxCalls, state: 'running' };
  }, log);
  // Role restarts asked through the store (openum service restart um|callrouter --node N).
  const restarter = roles && heartbeat && new RoleRestarter({ node, name: requireServer(node), roles, log, beat: () => heartbeat.beat() });
  await restarter?.start();
  if (restarter) watcher.onChange(() => restarter.check());
  await roles?.start(() => heartbeat?.start() ?? Promise.resolve());
  await voicemail.start();
  await watcher.start();
  await restarter?.check();
  await control.start();
  const certificates = new CertificateWatch({ node, log });
  certificates.start();
  ops.markStarted();
  if (roles) console.log(`SIP roles ready (${roles.nodeRoles}): ${roles.routers.running} Call Router processes, ${roles.umListeners().length > 0 ? 'UM service' : 'no UM service'}, ${roles.supervisor.slots().filter((w) => w.alive).length} UM workers`);
  console.log(`admin API listening on https://${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port} (certificate ${admin.thumbprint})`);
  console.log(`store: ${node.store.location}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    try {
      certificates.stop();
      await restarter?.stop();
      await heartbeat?.stop();
      await watcher.stop();
      await control.close();
      await roles?.stop();
      await voicemail.stop();
      await admin.close();
      await node.close();
      process.exit(0);
    } catch (e) {
      log.error({ err: e }, isOpenUmError(e) ? e.message : 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
