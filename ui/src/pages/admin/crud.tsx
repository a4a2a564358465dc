// One page shape for the organisation objects (dial plans, gateways, hunt groups, users,
// policies, auto attendants): a table of GET <path>, a form that POSTs a new one or PATCHes the
// one being edited (only the fields that changed), and delete. The API's refusal is shown next
// to the form, in the API's words, so the administrator sees which field to fix.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { useI18n, type Key } from '../../i18n/index.js';

export type Value = string | boolean;

export interface FieldSpec {
  name: string;
  label: Key;
  kind?: 'text' | 'number' | 'select' | 'checkbox' | 'list' | 'email';
  /** fixed choices, or an API list whose names are the choices (e.g. /api/dialplans) */
  options?: readonly string[];
  optionsFrom?: string;
  required?: boolean;
  /** set when creating only (the API does not change it afterwards) */
  createOnly?: boolean;
  /** where the row keeps this field's value when it differs from the field name */
  read?: (row: Row) => unknown;
  hint?: Key;
}

export interface Column {
  label: Key;
  value: (row: Row) => ReactNode;
}

export type Row = Record<string, unknown> & { name: string };

function toValue(v: unknown, kind: FieldSpec['kind']): Value {
  if (kind === 'checkbox') return v === true;
  if (Array.isArray(v)) return v.join(', ');
  return v === null || v === undefined ? '' : String(v);
}

function toBody(fields: FieldSpec[], values: Record<string, Value>, before: Record<string, Value> | null): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined) continue;
    if (before) {
      if (f.createOnly || before[f.name] === v) continue;
    } else if (v === '' || (f.kind === 'checkbox' && v === false && !f.required)) continue;
    if (f.kind === 'list') body[f.name] = String(v).split(',').map((s) => s.trim()).filter(Boolean);
    else if (f.kind === 'number') body[f.name] = v === '' ? null : Number(v);
    else body[f.name] = v;
  }
  return body;
}

function Choices({ field, value, onChange, id }: { field: FieldSpec; value: string; onChange: (v: string) => void; id: string }) {
  const { t } = useI18n();
  const loaded = useLoad(async () => (field.optionsFrom ? (await api<Row[]>('GET', field.optionsFrom)).map((r) => r.name) : [...(field.options ?? [])]), [field.optionsFrom]);
  const options = loaded.data ?? [];
  return (
    <select id={id} value={value} required={field.required} onChange={(e) => onChange(e.target.value)}>
      <option value="">{field.required ? '—' : t('admin.default')}</option>
      {options.map((o) => <option key={o} value={o}>{o}</option>)}
      {value && !options.includes(value) && <option value={value}>{value}</option>}
    </select>
  );
}

export function FieldInput({ field, value, onChange, editing }: { field: FieldSpec; value: Value; onChange: (v: Value) => void; editing: boolean }) {
  const { t } = useI18n();
  const id = `f-${field.name}-${useId()}`;
  const disabled = editing && field.createOnly;
  if (field.kind === 'checkbox') {
    return <label className="check"><input type="checkbox" checked={value === true} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />{t(field.label)}</label>;
  }
  // The label is beside the control, not around it: a select's options would join its name.
  return (
    <div className="field">
      <label htmlFor={id}>{t(field.label)}</label>
      {field.kind === 'select' || field.optionsFrom
        ? <Choices field={field} id={id} value={String(value)} onChange={onChange} />
        : <input id={id} type={field.kind === 'number' ? 'number' : field.kind === 'email' ? 'email' : 'text'} value={String(value)} required={field.required && !editing} disabled={disabled} aria-describedby={field.hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.target.value)} />}
      {field.hint && <span className="muted" id={`${id}-hint`}>{t(field.hint)}</span>}
    </div>
  );
}

export interface CrudProps {
  title: Key;
  /** the collection route, e.g. /api/dialplans */
  path: string;
  columns: Column[];
  fields: FieldSpec[];
  /** extra buttons on a row (invite, PIN reset) */
  rowActions?: (row: Row, reload: () => void) => ReactNode;
  /** a row's route, when not <path>/<name> */
  itemPath?: (row: Row) => string;
  /** what GET <path> answers → the rows */
  rows?: (data: unknown) => Row[];
  children?: ReactNode;
}

export function CrudPage({ title, path, columns, fields, rowActions, itemPath, rows, children }: CrudProps) {
  const { t } = useI18n();
  const list = useLoad(() => api<unknown>('GET', path), [path]);
  const [editing, setEditing] = useState<Row | null>(null);
  const blank = () => Object.fromEntries(fields.map((f) => [f.name, f.kind === 'checkbox' ? false : ''])) as Record<string, Value>;
  const [values, setValues] = useState<Record<string, Value>>(blank);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const [confirm, setConfirm] = useState<string | null>(null);
  const where = (row: Row) => itemPath?.(row) ?? `${path}/${encodeURIComponent(row.name)}`;
  const valuesOf = (row: Row) => Object.fromEntries(fields.map((f) => [f.name, toValue(f.read ? f.read(row) : row[f.name], f.kind)])) as Record<string, Value>;

  const startEdit = (row: Row) => {
    setEditing(row);
    setValues(valuesOf(row));
    setError(null);
    setDone('');
    document.getElementById('crud-form')?.scrollIntoView();
  };
  const reset = () => {
    setEditing(null);
    setValues(blank());
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone('');
    try {
      if (editing) await api('PATCH', where(editing), toBody(fields, values, valuesOf(editing)));
      else await api('POST', path, toBody(fields, values, null));
      setDone(editing ? t('common.saved') : t('admin.created', { name: String(values.name ?? '') }));
      reset();
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (row: Row) => {
    setError(null);
    setConfirm(null);
    try {
      await api('DELETE', where(row));
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const data = list.data === undefined ? undefined : rows ? rows(list.data) : (list.data as Row[]);

  return (
    <section className="stack">
      <h1>{t(title)}</h1>
      {children}
      {list.loading && !data && <Loading />}
      <ErrorNote error={list.error} />
      {data && (data.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr>{columns.map((c) => <th key={c.label} scope="col">{t(c.label)}</th>)}<th scope="col">{t('common.actions')}</th></tr></thead>
            <tbody>
              {data.map((row) => (
                <tr key={where(row)}>
                  {columns.map((c) => <td key={c.label}>{c.value(row)}</td>)}
                  <td>
                    <div className="row">
                      <button type="button" className="secondary" aria-label={`${t('common.edit')} ${row.name}`} onClick={() => startEdit(row)}>{t('common.edit')}</button>
                      {confirm === where(row)
                        ? <button type="button" className="danger" onClick={() => void remove(row)}>{t('common.confirmDelete', { name: row.name })}</button>
                        : <button type="button" className="secondary" aria-label={`${t('common.delete')} ${row.name}`} onClick={() => setConfirm(where(row))}>{t('common.delete')}</button>}
                      {rowActions?.(row, list.reload)}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <form id="crud-form" className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="crud-form-title">
        <h2 id="crud-form-title">{editing ? t('admin.editing', { name: editing.name }) : t('admin.new')}</h2>
        <div className="grid">
          {fields.map((f) => <FieldInput key={f.name} field={f} editing={editing !== null} value={values[f.name] ?? ''} onChange={(v) => setValues((s) => ({ ...s, [f.name]: v }))} />)}
        </div>
        <ErrorNote error={error} />
        {done && <p className="ok" role="status">{done}</p>}
        <div className="row">
          <button type="submit">{editing ? t('common.save') : t('common.create')}</button>
          {editing && <button type="button" className="secondary" onClick={reset}>{t('common.cancel')}</button>}
        </div>
      </form>
    </section>
  );
}

/** A yes/no cell. */
export function yesNo(t: (k: Key) => string, v: unknown): string {
  return v === true ? t('common.yes') : v === false ? t('common.no') : '';
}
