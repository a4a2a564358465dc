// Servers: the UM service (/api/service), the Call Router (/api/callrouter) and the admin API
// (/api/admin) settings, the live port table with firewall rules to copy (/api/ports), and the
// workers with their calls and a recycle button (/api/workers, POST /api/workers/:worker/recycle).
import { useState } from 'react';
import { api } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import type { FieldSpec } from './crud.js';
import { SettingsForm } from './settings-form.js';

const MODES = ['TCP', 'TLS', 'Dual'];
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

const serviceFields: FieldSpec[] = [
  { name: 'startupMode', label: 'admin.srv.startupMode', kind: 'select', options: MODES, required: true },
  { name: 'sipTcpPort', label: 'admin.srv.tcpPort', kind: 'number' },
  { name: 'sipTlsPort', label: 'admin.srv.tlsPort', kind: 'number' },
  { name: 'maxCallsAllowed', label: 'admin.srv.maxCalls', kind: 'number' },
  { name: 'rtpPorts', label: 'admin.srv.rtpPorts', hint: 'admin.srv.rtpHint' },
];
const routerFields: FieldSpec[] = [
  { name: 'startupMode', label: 'admin.srv.startupMode', kind: 'select', options: MODES, required: true },
  { name: 'sipTcpPort', label: 'admin.srv.tcpPort', kind: 'number' },
  { name: 'sipTlsPort', label: 'admin.srv.tlsPort', kind: 'number' },
  { name: 'sipUdp', label: 'admin.srv.sipUdp', kind: 'checkbox' },
];
const adminFields: FieldSpec[] = [
  { name: 'address', label: 'admin.srv.address' },
  { name: 'port', label: 'admin.port', kind: 'number' },
];

interface Port { role: string; protocol: string; port: string; mode: string; open: boolean; changeable: string; description: string }
interface Worker { worker: number; ports: { tcp: number; tls: number }; calls: number; alive: boolean; draining: boolean }

function Ports({ tick }: { tick: number }) {
  const { t } = useI18n();
  const ports = useLoad(() => api<{ ports: Port[]; firewall: Record<string, string> }>('GET', '/api/ports'), [tick]);
  const [kind, setKind] = useState('nftables');
  return (
    <section className="stack" aria-labelledby="ports-title">
      <h2 id="ports-title">{t('admin.srv.ports')}</h2>
      {ports.loading && !ports.data && <Loading />}
      <ErrorNote error={ports.error} />
      {ports.data && <>
        <div className="table-wrap"><table>
          <thead><tr>{(['admin.srv.role', 'admin.srv.protocol', 'admin.port', 'admin.srv.mode', 'admin.srv.open', 'admin.srv.description'] as const).map((k) => <th key={k} scope="col">{t(k)}</th>)}</tr></thead>
          <tbody>{ports.data.ports.map((p) => (
            <tr key={`${p.role}-${p.protocol}-${p.port}`}><td>{p.role}</td><td>{p.protocol}</td><td>{p.port}</td><td>{p.mode}</td>
              <td><span className={p.open ? 'badge good' : 'badge'}>{p.open ? t('common.yes') : t('common.no')}</span></td><td>{p.description}</td></tr>
          ))}</tbody>
        </table></div>
        <label className="inline">{t('admin.srv.firewall')}
          <select aria-label={t('admin.srv.firewall')} value={kind} onChange={(e) => setKind(e.target.value)}>{Object.keys(ports.data.firewall).map((k) => <option key={k}>{k}</option>)}</select>
        </label>
        <pre aria-label={t('admin.srv.firewallRules')} tabIndex={0}>{ports.data.firewall[kind]}</pre>
        <div className="row"><button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(ports.data?.firewall[kind] ?? '')}>{t('admin.copy')}</button></div>
      </>}
    </section>
  );
}

function Workers() {
  const { t } = useI18n();
  const workers = useLoad(() => api<Worker[]>('GET', '/api/workers'));
  const [error, setError] = useState<unknown>(null);
  const recycle = async (w: number) => {
    setError(null);
    try {
      await api('POST', `/api/workers/${w}/recycle`, {});
      workers.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="stack" aria-labelledby="workers-title">
      <h2 id="workers-title">{t('admin.srv.workers')}</h2>
      <ErrorNote error={workers.error ?? error} />
      {workers.data && <div className="table-wrap"><table>
        <thead><tr><th scope="col">{t('admin.srv.worker')}</th><th scope="col">{t('admin.srv.tcpPort')}</th><th scope="col">{t('admin.srv.tlsPort')}</th><th scope="col">{t('admin.calls.calls')}</th><th scope="col">{t('admin.status')}</th><th scope="col">{t('common.actions')}</th></tr></thead>
        <tbody>{workers.data.map((w) => (
          <tr key={w.worker}><td>{w.worker}</td><td>{w.ports.tcp}</td><td>{w.ports.tls}</td><td>{w.calls}</td>
            <td><span className={w.alive && !w.draining ? 'badge good' : 'badge bad'}>{t(!w.alive ? 'admin.srv.down' : w.draining ? 'admin.srv.draining' : 'admin.srv.running')}</span></td>
            <td><button type="button" className="secondary" aria-label={t('admin.srv.recycleWorker', { n: w.worker })} onClick={() => void recycle(w.worker)}>{t('admin.srv.recycle')}</button></td></tr>
        ))}</tbody>
      </table></div>}
      <div className="row"><button type="button" className="secondary" onClick={workers.reload}>{t('common.refresh')}</button></div>
    </section>
  );
}

export function ServersPage() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const saved = () => setTick((n) => n + 1);
  return (
    <section className="stack">
      <h1>{t('admin.nav.servers')}</h1>
      <SettingsForm title="admin.srv.umService" path="/api/service" fields={serviceFields} onSaved={saved} note="admin.srv.restartNote"
        read={(d) => ({ startupMode: str(d.startupMode), sipTcpPort: str(d.sipTcpPort), sipTlsPort: str(d.sipTlsPort), maxCallsAllowed: str(d.maxCallsAllowed),
          rtpPorts: d.rtpPorts ? `${str((d.rtpPorts as { min: number }).min)}-${str((d.rtpPorts as { max: number }).max)}` : '' })} />
      <SettingsForm title="admin.srv.callRouter" path="/api/callrouter" fields={routerFields} onSaved={saved} note="admin.srv.restartNote"
        read={(d) => ({ startupMode: str(d.startupMode), sipTcpPort: str(d.sipTcpPort), sipTlsPort: str(d.sipTlsPort), sipUdp: d.sipUdp === true })} />
      <SettingsForm title="admin.srv.admin" path="/api/admin" fields={adminFields} onSaved={saved}
        read={(d) => ({ address: str(d.address), port: str(d.port) })} />
      <Ports tick={tick} />
      <Workers />
    </section>
  );
}
