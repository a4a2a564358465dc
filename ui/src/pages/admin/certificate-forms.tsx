// The certificate forms: a new self-signed certificate or a request for a CA (POST
// /api/certificates; with request:true the answer carries the CSR as `request` PEM, downloaded
// at once), and an import (POST /api/certificates/import: the file as base64, a PFX password).
import { useState, type FormEvent } from 'react';
import { api, saveBlob, toBase64 } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';

interface Created { thumbprint: string; request?: string }

export function NewCertificateForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [request, setRequest] = useState(false);
  const [subject, setSubject] = useState('');
  const [domains, setDomains] = useState('');
  const [keySize, setKeySize] = useState('2048');
  const [friendlyName, setFriendlyName] = useState('');
  const [exportable, setExportable] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone('');
    const body: Record<string, unknown> = { keySize: Number(keySize), exportable, request };
    if (subject.trim()) body.subject = subject.trim();
    const list = domains.split(/[,\s]+/).filter(Boolean);
    if (list.length) body.domains = list;
    if (friendlyName.trim()) body.friendlyName = friendlyName.trim();
    try {
      const made = await api<Created>('POST', '/api/certificates', body);
      if (made.request) {
        saveBlob(new Blob([made.request], { type: 'application/pkcs10' }), `${made.thumbprint}.csr`);
        setDone(t('admin.cert.requestMade', { thumbprint: made.thumbprint }));
      } else setDone(t('admin.cert.made', { thumbprint: made.thumbprint }));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="new-cert-title">
      <h2 id="new-cert-title">{t('admin.cert.new')}</h2>
      <fieldset className="row">
        <legend>{t('admin.cert.kind')}</legend>
        <label className="check"><input type="radio" name="cert-kind" checked={!request} onChange={() => setRequest(false)} />{t('admin.cert.selfSigned')}</label>
        <label className="check"><input type="radio" name="cert-kind" checked={request} onChange={() => setRequest(true)} />{t('admin.cert.request')}</label>
      </fieldset>
      <div className="grid">
        <label>{t('admin.cert.subject')}<input value={subject} placeholder="CN=um.contoso.com" onChange={(e) => setSubject(e.target.value)} /></label>
        <label>{t('admin.cert.domains')}<input value={domains} onChange={(e) => setDomains(e.target.value)} /><span className="muted">{t('admin.commaList')}</span></label>
        <label>{t('admin.cert.keySize')}<select aria-label={t('admin.cert.keySize')} value={keySize} onChange={(e) => setKeySize(e.target.value)}>{['1024', '2048', '4096'].map((k) => <option key={k}>{k}</option>)}</select></label>
        <label>{t('admin.cert.friendlyName')}<input value={friendlyName} onChange={(e) => setFriendlyName(e.target.value)} /></label>
        <label className="check"><input type="checkbox" checked={exportable} onChange={(e) => setExportable(e.target.checked)} />{t('admin.cert.exportable')}</label>
      </div>
      <ErrorNote error={error} />
      {done && <p className="ok" role="status">{done}</p>}
      <div className="row"><button type="submit">{request ? t('admin.cert.createRequest') : t('admin.cert.createSelfSigned')}</button></div>
    </form>
  );
}

export function ImportCertificateForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [friendlyName, setFriendlyName] = useState('');
  const [exportable, setExportable] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone('');
    if (!file) return;
    const body: Record<string, unknown> = { data: await toBase64(file), exportable };
    if (password) body.password = password;
    if (friendlyName.trim()) body.friendlyName = friendlyName.trim();
    try {
      const got = await api<{ view: { thumbprint: string } }>('POST', '/api/certificates/import', body);
      setDone(t('admin.cert.imported', { thumbprint: got.view.thumbprint }));
      setPassword('');
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="import-cert-title">
      <h2 id="import-cert-title">{t('admin.cert.import')}</h2>
      <div className="grid">
        <label>{t('admin.cert.file')}<input type="file" required accept=".pfx,.p12,.cer,.crt,.pem,.der,.p7b" onChange={(e) => setFile(e.target.files?.[0] ?? null)} /></label>
        <label>{t('admin.cert.pfxPassword')}<input type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <label>{t('admin.cert.friendlyName')}<input value={friendlyName} onChange={(e) => setFriendlyName(e.target.value)} /></label>
        <label className="check"><input type="checkbox" checked={exportable} onChange={(e) => setExportable(e.target.checked)} />{t('admin.cert.exportable')}</label>
      </div>
      <ErrorNote error={error} />
      {done && <p className="ok" role="status">{done}</p>}
      <div className="row"><button type="submit">{t('admin.cert.importSubmit')}</button></div>
    </form>
  );
}
