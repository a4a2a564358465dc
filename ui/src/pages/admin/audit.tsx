// The audit log, newest first: GET /api/audit?limit=…&action=… and, for the next page, &before=<id>.
import { useState } from 'react';
import { api } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';

interface Entry { id: number; at?: string; created_at?: string; actor: string; action: string; target?: string; details: Record<string, unknown> }

const PAGE = 50;

export function AuditPage() {
  const { t } = useI18n();
  const [action, setAction] = useState('');
  const [query, setQuery] = useState('');
  const [before, setBefore] = useState<number[]>([]);
  const cursor = before[before.length - 1];
  const log = useLoad(() => api<Entry[]>('GET', `/api/audit?limit=${PAGE}${query ? `&action=${encodeURIComponent(query)}` : ''}${cursor ? `&before=${cursor}` : ''}`), [query, cursor]);
  const rows = log.data ?? [];
  return (
    <section className="stack">
      <h1>{t('admin.nav.audit')}</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); setBefore([]); setQuery(action.trim()); }}>
        <label>{t('admin.audit.action')}<input value={action} onChange={(e) => setAction(e.target.value)} placeholder="certificate." /></label>
        <button type="submit">{t('admin.audit.filter')}</button>
        <button type="button" className="secondary" onClick={log.reload}>{t('common.refresh')}</button>
      </form>
      {log.loading && !log.data && <Loading />}
      <ErrorNote error={log.error} />
      {log.data && (rows.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
        <div className="table-wrap"><table>
          <thead><tr><th scope="col">{t('admin.calls.when')}</th><th scope="col">{t('admin.audit.who')}</th><th scope="col">{t('admin.audit.action')}</th><th scope="col">{t('admin.audit.details')}</th></tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.id}><td>{new Date(String(r.at ?? r.created_at ?? '')).toLocaleString()}</td><td>{r.actor}</td><td>{r.action}{r.target ? ` ${r.target}` : ''}</td>
              <td><code>{JSON.stringify(r.details)}</code></td></tr>
          ))}</tbody>
        </table></div>
      ))}
      <div className="row">
        {before.length > 0 && <button type="button" className="secondary" onClick={() => setBefore((b) => b.slice(0, -1))}>{t('admin.audit.newer')}</button>}
        {rows.length === PAGE && <button type="button" className="secondary" onClick={() => setBefore((b) => [...b, rows[rows.length - 1]?.id ?? 0])}>{t('admin.audit.older')}</button>}
      </div>
    </section>
  );
}
