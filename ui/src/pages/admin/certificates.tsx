// Certificates: GET /api/certificates (status, services, expiry); per certificate, enable for
// services (POST …/:thumbprint/enable — a service already assigned stays ticked and cannot be
// unticked: enabling adds, never removes), export (POST …/:thumbprint/export → the file) and
// remove (DELETE …/:thumbprint, refused while in use). Refusals show the API's message inline.
import { useState, type FormEvent } from 'react';
import { api, download, saveBlob } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { ImportCertificateForm, NewCertificateForm } from './certificate-forms.js';

const SERVICES = ['IIS', 'SMTP', 'IMAP', 'POP', 'UM', 'UMCallRouter'] as const;

export interface Certificate {
  thumbprint: string;
  friendlyName: string;
  subject: string;
  issuer: string;
  domains: string[];
  services: string[];
  defaultFor: string[];
  status: string;
  statusReason: string;
  notAfter: string | null;
  hasPrivateKey: boolean;
  privateKeyExportable: boolean;
  kind: 'certificate' | 'request';
}

function EnableForm({ cert, onDone }: { cert: Certificate; onDone: () => void }) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<string[]>([]);
  const [force, setForce] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone('');
    try {
      await api('POST', `/api/certificates/${cert.thumbprint}/enable`, { services: picked, force });
      setDone(t('admin.cert.enabled', { services: picked.join(', ') }));
      setPicked([]);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <fieldset className="row">
        <legend>{t('admin.cert.enableFor')}</legend>
        {SERVICES.map((s) => {
          const assigned = cert.services.includes(s);
          return (
            <label key={s} className="check">
              <input type="checkbox" checked={assigned || picked.includes(s)} disabled={assigned}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, s] : p.filter((x) => x !== s)))} />{s}
            </label>
          );
        })}
      </fieldset>
      {picked.includes('SMTP') && <label className="check"><input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />{t('admin.cert.replaceSmtp')}</label>}
      <p className="muted">{t('admin.cert.enableNote')}</p>
      <ErrorNote error={error} />
      {done && <p className="ok" role="status">{done}</p>}
      <div className="row"><button type="submit" disabled={picked.length === 0}>{t('admin.cert.enable')}</button></div>
    </form>
  );
}

function ExportForm({ cert }: { cert: Certificate }) {
  const { t } = useI18n();
  const [format, setFormat] = useState(cert.kind === 'request' ? 'pem' : cert.privateKeyExportable ? 'pfx' : 'pem');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body = format === 'pfx' ? { password } : { der: format === 'der' };
    const ext = format === 'pfx' ? 'pfx' : cert.kind === 'request' ? (format === 'der' ? 'req' : 'csr') : format === 'der' ? 'cer' : 'pem';
    try {
      saveBlob(await download('POST', `/api/certificates/${cert.thumbprint}/export`, body), `${cert.friendlyName || cert.thumbprint}.${ext}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <div className="row">
        <label>{t('admin.cert.format')}
          <select aria-label={t('admin.cert.format')} value={format} onChange={(e) => setFormat(e.target.value)}>
            {cert.kind === 'certificate' && <option value="pfx">{t('admin.cert.formatPfx')}</option>}
            <option value="pem">PEM</option>
            <option value="der">DER</option>
          </select>
        </label>
        {format === 'pfx' && <label>{t('admin.cert.pfxPassword')}<input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} /></label>}
        <button type="submit">{t('admin.cert.export')}</button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function Details({ cert, reload }: { cert: Certificate; reload: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState(false);
  const remove = async () => {
    setError(null);
    try {
      await api('DELETE', `/api/certificates/${cert.thumbprint}`);
      reload();
    } catch (err) {
      setError(err);
      setConfirm(false);
    }
  };
  return (
    <section className="stack" aria-labelledby={`cert-${cert.thumbprint}`}>
      <h3 id={`cert-${cert.thumbprint}`}>{cert.friendlyName || cert.subject} <code className="muted">{cert.thumbprint}</code></h3>
      <p>{t('admin.cert.issuer')}: {cert.issuer} · {cert.statusReason}</p>
      {cert.kind === 'certificate' && <EnableForm cert={cert} onDone={reload} />}
      <ExportForm cert={cert} />
      <div className="row">
        {confirm
          ? <button type="button" className="danger" onClick={() => void remove()}>{t('common.confirmDelete', { name: cert.friendlyName || cert.thumbprint })}</button>
          : <button type="button" className="secondary" onClick={() => setConfirm(true)}>{t('admin.cert.remove')}</button>}
      </div>
      <ErrorNote error={error} />
    </section>
  );
}

export function CertificatesPage() {
  const { t } = useI18n();
  const list = useLoad(() => api<Certificate[]>('GET', '/api/certificates'));
  const [open, setOpen] = useState<string | null>(null);
  const certs = list.data ?? [];
  const chosen = certs.find((c) => c.thumbprint === open);
  return (
    <section className="stack">
      <h1>{t('admin.nav.certificates')}</h1>
      {list.loading && !list.data && <Loading />}
      <ErrorNote error={list.error} />
      <div className="table-wrap">
        <table>
          <thead><tr>
            <th scope="col">{t('admin.cert.friendlyName')}</th><th scope="col">{t('admin.cert.subject')}</th><th scope="col">{t('admin.status')}</th>
            <th scope="col">{t('admin.cert.services')}</th><th scope="col">{t('admin.cert.expires')}</th><th scope="col">{t('common.actions')}</th>
          </tr></thead>
          <tbody>
            {certs.map((c) => (
              <tr key={c.thumbprint}>
                <td>{c.friendlyName}</td>
                <td>{c.subject}{c.domains.length > 0 && <div className="muted">{c.domains.join(', ')}</div>}</td>
                <td><span className={c.status === 'Valid' ? 'badge good' : c.status === 'PendingRequest' ? 'badge' : 'badge bad'} title={c.statusReason}>{c.status}</span></td>
                <td>{c.services.join(', ')}{c.defaultFor.length > 0 && <span className="muted"> ({t('admin.cert.defaultFor', { services: c.defaultFor.join(', ') })})</span>}</td>
                <td>{c.notAfter ? new Date(c.notAfter).toLocaleDateString() : ''}</td>
                <td><button type="button" className="secondary" aria-expanded={open === c.thumbprint} aria-label={t('admin.cert.manage', { name: c.friendlyName || c.subject })}
                  onClick={() => setOpen(open === c.thumbprint ? null : c.thumbprint)}>{t('admin.cert.manageShort')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {chosen && <Details key={chosen.thumbprint} cert={chosen} reload={list.reload} />}
      <NewCertificateForm onDone={list.reload} />
      <ImportCertificateForm onDone={list.reload} />
    </section>
  );
}
