// Calls: the calls in progress with totals by role, gateway and dial plan (GET /api/calls) and the
// last refusals with their reasons (GET /api/refusals?limit=50), read again every 5 seconds while
// the page is open (and on Refresh).
import { useEffect } from 'react';
import { api } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { useI18n, type Key } from '../../i18n/index.js';

interface Call { id: string; worker: number; type: string; direction: string; from: string; to: string; gateway: string | null; dialPlan: string | null; user: string | null; transport: string; media: string; startedAt: string }
interface Calls { calls: Call[]; totals: { byRole: Record<string, number>; byGateway: Record<string, number>; byDialPlan: Record<string, number>; byType: Record<string, number> } }
interface Refusal { at: string; role: string; worker?: number; status: number; reason: string; method: string; from: string; to: string; peer: string; transport: string; gateway: string | null }

const EVERY_MS = 5000;

function Totals({ title, counts }: { title: Key; counts: Record<string, number> }) {
  const { t } = useI18n();
  const entries = Object.entries(counts);
  return (
    <div>
      <h3>{t(title)}</h3>
      {entries.length === 0 ? <p className="muted">{t('common.none')}</p> : <ul>{entries.map(([k, n]) => <li key={k}>{k}: <strong>{n}</strong></li>)}</ul>}
    </div>
  );
}

export function CallsPage() {
  const { t } = useI18n();
  const calls = useLoad(() => api<Calls>('GET', '/api/calls'));
  const refusals = useLoad(() => api<{ refusals: Refusal[] }>('GET', '/api/refusals?limit=50'));
  const refresh = () => {
    calls.reload();
    refusals.reload();
  };
  useEffect(() => {
    const timer = setInterval(refresh, EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  const time = (iso: string) => new Date(iso).toLocaleTimeString();
  return (
    <section className="stack">
      <h1>{t('admin.nav.calls')}</h1>
      <div className="row">
        <button type="button" className="secondary" onClick={refresh}>{t('common.refresh')}</button>
        <span className="muted">{t('admin.calls.auto', { sec: EVERY_MS / 1000 })}</span>
      </div>
      <section aria-labelledby="calls-title" className="stack">
        <h2 id="calls-title">{t('admin.calls.inProgress')}</h2>
        {calls.loading && !calls.data && <Loading />}
        <ErrorNote error={calls.error} />
        {calls.data && <>
          <div className="grid">
            <Totals title="admin.calls.byRole" counts={calls.data.totals.byRole} />
            <Totals title="admin.calls.byGateway" counts={calls.data.totals.byGateway} />
            <Totals title="admin.calls.byDialPlan" counts={calls.data.totals.byDialPlan} />
            <Totals title="admin.calls.byType" counts={calls.data.totals.byType} />
          </div>
          {calls.data.calls.length === 0 ? <p className="muted">{t('admin.calls.none')}</p> : (
            <div className="table-wrap"><table>
              <thead><tr>{(['admin.calls.started', 'admin.calls.type', 'admin.calls.from', 'admin.calls.to', 'admin.gateway', 'admin.dialPlan', 'admin.calls.user', 'admin.srv.worker', 'admin.calls.transport'] as const).map((k) => <th key={k} scope="col">{t(k)}</th>)}</tr></thead>
              <tbody>{calls.data.calls.map((c) => (
                <tr key={c.id}><td>{time(c.startedAt)}</td><td>{c.type} ({c.direction})</td><td>{c.from}</td><td>{c.to}</td><td>{c.gateway ?? ''}</td><td>{c.dialPlan ?? ''}</td><td>{c.user ?? ''}</td><td>{c.worker}</td><td>{c.transport.toUpperCase()} / {c.media}</td></tr>
              ))}</tbody>
            </table></div>
          )}
        </>}
      </section>
      <section aria-labelledby="refusals-title" className="stack">
        <h2 id="refusals-title">{t('admin.calls.refusals')}</h2>
        <ErrorNote error={refusals.error} />
        {refusals.data && (refusals.data.refusals.length === 0 ? <p className="muted">{t('admin.calls.noRefusals')}</p> : (
          <div className="table-wrap"><table>
            <thead><tr>{(['admin.calls.when', 'admin.srv.role', 'admin.calls.answer', 'admin.calls.reason', 'admin.calls.from', 'admin.calls.to', 'admin.calls.peer', 'admin.gateway'] as const).map((k) => <th key={k} scope="col">{t(k)}</th>)}</tr></thead>
            <tbody>{refusals.data.refusals.map((r, i) => (
              <tr key={`${r.at}-${i}`}><td>{time(r.at)}</td><td>{r.role}{r.worker ? ` ${r.worker}` : ''}</td><td><span className="badge bad">{r.status}</span> {r.method}</td><td>{r.reason}</td><td>{r.from}</td><td>{r.to}</td><td>{r.peer} ({r.transport.toUpperCase()})</td><td>{r.gateway ?? ''}</td></tr>
            ))}</tbody>
          </table></div>
        ))}
      </section>
    </section>
  );
}
