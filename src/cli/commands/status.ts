// `openum status [--json]`: the node at a glance — whether the server runs (asked through its
// control socket), its roles and their listeners, workers, calls, the store, the certificates its
// services use and how long they have left, and the SMTP queue. When it does not run, the stored
// configuration is shown with a clear "not running", so the command answers in both cases.
import { ERROR_CODES, isOpenUmError } from '../../errors.js';
import { deliveryBacklog } from '../../org/delivery-backlog.js';
import { UM_SERVICE_PORTS, WORKER_PORTS } from '../../org/ports.js';
import { getServer } from '../../org/server-settings.js';
import { requireServer } from '../../services/node.js';
import { assignedCertificates } from '../../services/ops/certificate-expiry.js';
import type { LiveNodeStatus } from '../../services/ops/live-node-status.js';
import { openUmVersion } from '../../services/ops/version.js';
import { listenSpecs, type ListenSpec } from '../../services/sip/listeners.js';
import { flag, parse } from '../args.js';
import { askServer } from '../control-client.js';
import { printJson } from '../output.js';
import { withNode } from '../session.js';

const HELP = `openum status [--json]
  Whether the server of this data directory runs (its process, uptime, admin API), its roles
  and their SIP listeners with addresses, the UM workers and their calls, the store, the
  certificates assigned to its services with the days they have left, and the SMTP queue.
  When the server is not running it says so, shows the stored configuration and exits with
  the NOT_RUNNING status (docs/errors.md), as 'systemctl status' does for a stopped unit.`;

const where = (l: { protocol: string; address: string; port: number }) =>
  `${l.protocol.toUpperCase()} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`;

function days(d: number): string {
  return d < 0 ? `EXPIRED ${Math.ceil(-d)} days ago` : `${Math.floor(d)} days left`;
}

export async function statusCommand(argv: string[]): Promise<void> {
  const p = parse('status', argv, {}, { min: 0, max: 0, usage: '[--json]' });
  if (p.values.help) return void console.log(HELP);
  let notRunningExit = false;
  await withNode(p, async (node) => {
    let live: LiveNodeStatus | undefined;
    let notRunning = '';
    try {
      live = await askServer(node.dataDir, { op: 'status' }) as LiveNodeStatus;
    } catch (e) {
      if (!isOpenUmError(e) || e.code !== 'NOT_RUNNING') throw e;
      notRunning = e.message;
      notRunningExit = true;
    }
    const s = await getServer(node.store.db, requireServer(node));
    const addresses = live?.sip?.addresses ?? s.sipAddresses;
    const cr = s.callRouter;
    const um = s.umService.startupMode;
    const specs = (l: ListenSpec[]) => l.map((x) => ({ protocol: x.protocol, address: x.address, port: x.port }));
    const roles = [
      { role: 'Call Router', startupMode: cr.startupMode, processes: live?.sip?.callRouterProcesses ?? null, listeners: specs(listenSpecs(cr.startupMode, { tcp: cr.sipTcpPort, tls: cr.sipTlsPort }, addresses, { udp: cr.sipUdp })) },
      { role: 'UM service', startupMode: um, processes: live?.sip ? 1 : null, listeners: live?.sip ? live.sip.umServiceListeners : specs(listenSpecs(um, UM_SERVICE_PORTS, addresses, { udp: true })) },
    ];
    const workers = live?.sip?.workers ?? WORKER_PORTS.map((ports, i) => ({ worker: i + 1, ports, alive: false, draining: false, calls: 0, listening: { tcp: false, tls: false }, restarts: 0 }));
    const backlog = await deliveryBacklog(node.store.db, s.name);
    const report = {
      running: live !== undefined,
      ...(live ? {} : { reason: notRunning }),
      version: live?.version ?? openUmVersion(),
      server: { name: s.name, fqdn: s.fqdn },
      process: live ? { pid: live.pid, startedAt: live.startedAt, uptimeSeconds: live.uptimeSeconds } : null,
      admin: live?.admin ?? { address: s.admin.address, port: s.admin.port },
      sip: live && !live.sip ? 'off (--no-sip)' : { addresses },
      roles,
      workers,
      calls: live?.sip ? live.sip.calls : null,
      store: { engine: node.store.engine, location: node.store.location },
      certificates: (await assignedCertificates(node)).map((c) => ({ ...c, daysLeft: Math.floor(c.daysLeft * 10) / 10 })),
      smtp: { server: s.smtp.host ? `${s.smtp.host}:${s.smtp.port}` : null, pending: backlog.pending, oldest: backlog.oldest },
    };
    if (flag(p, 'json')) return printJson(report);

    const out: string[] = [];
    out.push(live
      ? `OpenUM ${report.version}: running (pid ${live.pid}, up ${Math.floor(live.uptimeSeconds / 60)} min), server ${s.name} (${s.fqdn})`
      : `OpenUM ${report.version}: NOT RUNNING (${notRunning}); server ${s.name} (${s.fqdn}), stored configuration:`);
    out.push(`admin API   https://${report.admin.address}:${report.admin.port}`);
    if (live && !live.sip) out.push('SIP roles   off (started with --no-sip)');
    for (const r of roles) {
      const procs = r.processes === null ? '' : ` ${r.processes} process${r.processes === 1 ? '' : 'es'},`;
      out.push(`${r.role.padEnd(11)} ${r.startupMode},${procs} ${r.listeners.length ? r.listeners.map(where).join(', ') : 'no listener'}`);
    }
    for (const w of workers) {
      const state = !live ? 'stopped' : w.draining ? 'draining' : w.alive ? 'running' : 'down';
      out.push(`UM worker ${w.worker} ${state}, ports ${w.ports.tcp}/${w.ports.tls}${live ? `, ${w.calls} calls, ${w.restarts} restarts` : ''}`);
    }
    if (report.calls) out.push(`calls       ${report.calls.inProgress} in progress, ${report.calls.settingUp} setting up`);
    out.push(`store       ${report.store.engine} ${report.store.location}`);
    for (const c of report.certificates) out.push(`certificate ${c.service.padEnd(12)} ${c.thumbprint} ${c.subject}, expires ${c.notAfter.slice(0, 10)} (${days(c.daysLeft)})${c.byDefault ? ', by default' : ''}`);
    out.push(`SMTP queue  ${backlog.pending} waiting${backlog.oldest ? `, oldest since ${backlog.oldest}` : ''}${report.smtp.server ? ` (via ${report.smtp.server})` : ' (no SMTP server set: openum smtp set)'}`);
    console.log(out.join('\n'));
  });
  if (notRunningExit) process.exitCode = ERROR_CODES.NOT_RUNNING.exit;
}
