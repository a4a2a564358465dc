// Auto attendants: the main settings (GET/POST /api/autoattendants, PATCH/DELETE …/:name) and the
// key menus (PUT/DELETE /api/autoattendants/:name/keys/:hours/:key { action, target }).
import { useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { CrudPage, yesNo, type FieldSpec, type Row } from './crud.js';

const fields: FieldSpec[] = [
  { name: 'name', label: 'common.name', required: true },
  { name: 'dialPlan', label: 'admin.dialPlan', optionsFrom: '/api/dialplans', required: true, createOnly: true, read: (r) => r.dialPlanName },
  { name: 'numbers', label: 'admin.aa.numbers', kind: 'list', hint: 'admin.commaList' },
  { name: 'enabled', label: 'admin.aa.enabled', kind: 'checkbox' },
  { name: 'timeZone', label: 'admin.aa.timeZone' },
  { name: 'businessHours', label: 'admin.aa.businessHours', kind: 'list', hint: 'admin.aa.hoursHint' },
  { name: 'operatorExtension', label: 'admin.aa.operator' },
  { name: 'dialByExtension', label: 'admin.aa.dialByExtension', kind: 'checkbox' },
  { name: 'language', label: 'admin.user.language', kind: 'select', options: ['en-US', 'it-IT', 'es-ES', 'fr-FR'] },
];

interface KeyMapping { key: string; action: string; extension?: string; autoAttendant?: string; user?: string }

function keysText(keys: { business: KeyMapping[]; after: KeyMapping[] }, hours: 'business' | 'after'): string {
  return keys[hours].map((k) => `${k.key}: ${k.action}${k.extension ?? k.autoAttendant ?? k.user ? ` ${k.extension ?? k.autoAttendant ?? k.user}` : ''}`).join('; ');
}

function KeyForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [aa, setAa] = useState('');
  const [hours, setHours] = useState('business');
  const [key, setKey] = useState('1');
  const [action, setAction] = useState('transfer');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const path = () => `/api/autoattendants/${encodeURIComponent(aa)}/keys/${hours}/${encodeURIComponent(key)}`;
  const run = async (e: FormEvent | null, remove: boolean) => {
    e?.preventDefault();
    setError(null);
    setDone(false);
    try {
      if (remove) await api('DELETE', path());
      else await api('PUT', path(), target ? { action, target } : { action });
      setDone(true);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="stack" aria-labelledby="aa-keys" onSubmit={(e) => void run(e, false)}>
      <h2 id="aa-keys">{t('admin.aa.keys')}</h2>
      <div className="grid">
        <label>{t('admin.nav.autoAttendants')}<input required value={aa} onChange={(e) => setAa(e.target.value)} /></label>
        <label>{t('admin.aa.hours')}<select aria-label={t('admin.aa.hours')} value={hours} onChange={(e) => setHours(e.target.value)}>
          <option value="business">{t('admin.aa.business')}</option><option value="after">{t('admin.aa.after')}</option></select></label>
        <label>{t('admin.aa.key')}<select aria-label={t('admin.aa.key')} value={key} onChange={(e) => setKey(e.target.value)}>{['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'timeout'].map((k) => <option key={k}>{k}</option>)}</select></label>
        <label>{t('admin.aa.action')}<select aria-label={t('admin.aa.action')} value={action} onChange={(e) => setAction(e.target.value)}>{['transfer', 'autoattendant', 'voicemail', 'announcement'].map((a) => <option key={a}>{a}</option>)}</select></label>
        <label>{t('admin.aa.target')}<input value={target} onChange={(e) => setTarget(e.target.value)} /></label>
      </div>
      <ErrorNote error={error} />
      {done && <p className="ok" role="status">{t('common.saved')}</p>}
      <div className="row">
        <button type="submit">{t('admin.aa.setKey')}</button>
        <button type="button" className="secondary" onClick={() => void run(null, true)}>{t('admin.aa.clearKey')}</button>
      </div>
    </form>
  );
}

export function AutoAttendantsPage() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const keys = (r: Row) => r.keys as { business: KeyMapping[]; after: KeyMapping[] };
  return (
    <>
      <CrudPage key={tick} title="admin.nav.autoAttendants" path="/api/autoattendants" fields={fields} columns={[
        { label: 'common.name', value: (r) => r.name },
        { label: 'admin.dialPlan', value: (r) => String(r.dialPlanName) },
        { label: 'admin.aa.numbers', value: (r) => (r.numbers as string[]).join(', ') },
        { label: 'admin.aa.enabled', value: (r) => yesNo(t, r.enabled) },
        { label: 'admin.aa.business', value: (r) => keysText(keys(r), 'business') },
        { label: 'admin.aa.after', value: (r) => keysText(keys(r), 'after') },
      ]} />
      <KeyForm onDone={() => setTick((n) => n + 1)} />
    </>
  );
}
