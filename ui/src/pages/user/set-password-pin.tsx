// /set-password/pin — no invitation at hand: prove the mailbox with its voice-mail PIN and choose
// a web password; answers a session, so the user lands in the inbox signed in.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { useSession, type Session } from '../../session.js';
import { newPassword, PasswordFields } from './password-fields.js';

export function SetPasswordByPinPage() {
  const { t } = useI18n();
  const { adopt } = useSession();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(undefined);
    const f = new FormData(e.currentTarget);
    try {
      const password = newPassword(f, t);
      setBusy(true);
      const s = await api<Session>('POST', '/api/password/pin', { email: String(f.get('email') ?? ''), pin: String(f.get('pin') ?? ''), password });
      adopt(s);
      navigate('/voicemail', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 && err.retryAfterSec ? new Error(t('signIn.tooMany', { sec: err.retryAfterSec })) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <h1>{t('user.setPin.title')}</h1>
      <form onSubmit={submit} className="stack">
        <p>{t('user.setPin.intro')}</p>
        <label>{t('signIn.email')}<input name="email" type="email" autoComplete="username" required autoFocus /></label>
        <label>{t('user.setPin.pin')}<input name="pin" type="password" inputMode="numeric" pattern="[0-9]*" autoComplete="off" required /></label>
        <PasswordFields />
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>{t('user.setPassword.submit')}</button>
      </form>
      <p><Link to="/signin">{t('user.setPassword.signIn')}</Link></p>
    </main>
  );
}
