// /set-password?token=… — the link of an invitation e-mail: choose a web password, and be signed
// in to the voice-mail page. The token works once (400 INVITE_INVALID after, or when expired).
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { Link, navigate, useLocation } from '../../router.js';
import { useSession, type Session } from '../../session.js';
import { newPassword, PasswordFields } from './password-fields.js';

export function SetPasswordPage() {
  const { t } = useI18n();
  const { adopt } = useSession();
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(undefined);
    try {
      const password = newPassword(new FormData(e.currentTarget), t);
      setBusy(true);
      const s = await api<Session>('POST', '/api/password/invite', { token, password });
      adopt(s);
      navigate('/voicemail', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'INVITE_INVALID' ? new Error(t('user.setPassword.invalid')) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <h1>{t('user.setPassword.title')}</h1>
      {token ? (
        <form onSubmit={submit} className="stack">
          <p>{t('user.setPassword.intro')}</p>
          <PasswordFields autoFocus />
          <ErrorNote error={error} />
          <button type="submit" disabled={busy}>{t('user.setPassword.submit')}</button>
        </form>
      ) : <p className="error" role="alert">{t('user.setPassword.noToken')}</p>}
      <p><Link to="/set-password/pin">{t('user.setPassword.withPin')}</Link></p>
      <p><Link to="/signin">{t('user.setPassword.signIn')}</Link></p>
    </main>
  );
}
