// A settings object edited in place: GET <path> fills the form, Save PATCHes only what changed,
// and the API's refusal (a port in use, a mode the certificates do not allow) shows under it.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { useI18n, type Key } from '../../i18n/index.js';
import { FieldInput, type FieldSpec, type Value } from './crud.js';

export function SettingsForm({ title, path, fields, read, note, onSaved }: {
  title: Key;
  path: string;
  fields: FieldSpec[];
  /** the form's values from what GET answers */
  read: (data: Record<string, unknown>) => Record<string, Value>;
  note?: Key;
  onSaved?: () => void;
}) {
  const { t } = useI18n();
  const loaded = useLoad(() => api<Record<string, unknown>>('GET', path), [path]);
  const [values, setValues] = useState<Record<string, Value>>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (loaded.data) setValues(read(loaded.data));
  }, [loaded.data]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    const before = loaded.data ? read(loaded.data) : {};
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const v = values[f.name];
      if (v === undefined || v === before[f.name]) continue;
      body[f.name] = f.kind === 'number' ? Number(v) : v;
    }
    try {
      await api('PATCH', path, body);
      setDone(true);
      loaded.reload();
      onSaved?.();
    } catch (err) {
      setError(err);
    }
  };
  const id = `settings-${path.replace(/\W/g, '')}`;
  return (
    <form className="stack" aria-labelledby={id} onSubmit={(e) => void submit(e)}>
      <h2 id={id}>{t(title)}</h2>
      {loaded.loading && !loaded.data && <Loading />}
      <ErrorNote error={loaded.error} />
      {loaded.data && <div className="grid">
        {fields.map((f) => <FieldInput key={f.name} field={{ ...f, label: f.label }} editing value={values[f.name] ?? ''} onChange={(v) => setValues((s) => ({ ...s, [f.name]: v }))} />)}
      </div>}
      {note && <p className="muted">{t(note)}</p>}
      <ErrorNote error={error} />
      {done && <p className="ok" role="status">{t('common.saved')}</p>}
      <div className="row"><button type="submit">{t('common.save')}</button></div>
    </form>
  );
}
