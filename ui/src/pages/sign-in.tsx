// Sign in as a voice-mail user (e-mail address and web password) or as an administrator (an
// admin account's name and password, or an admin token). Rate limits answer 429 with Retry-After.
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { ErrorNote } from '../components/status.js';
import { useI18n } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { useSession, type SignIn } from '../session.js';

export function SignInPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [as, setAs] = useState<'user' | 'admin'>('user');
  const [withToken, setWithToken] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const value = (k: string) => String(f.get(k) ?? '');
    const credentials: SignIn = as === 'user' ? { email: value('email'), password: value('password') }
      : withToken ? { token: value('token') } : { admin: value('admin'), password: value('password') };
    setBusy(true);
    setError(undefined);
    try {
      const s = await signIn(credentials);
      navigate(s.kind === 'admin' ? '/admin' : '/voicemail', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 && err.retryAfterSec ? new Error(t('signIn.tooMany', { sec: err.retryAfterSec })) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <h1>{t('signIn.title')}</h1>
      <div role="radiogroup" aria-label={t('signIn.title')} className="tabs">
        {(['user', 'admin'] as const).map((k) => (
          <label key={k} className={as === k ? 'tab selected' : 'tab'}>
            <input type="radio" name="as" value={k} checked={as === k} onChange={() => setAs(k)} />
            {t(k === 'user' ? 'signIn.user' : 'signIn.admin')}
          </label>
        ))}
      </div>
      <form onSubmit={submit} className="stack">
        {as === 'user' && (<>
          <label>{t('signIn.email')}<input name="email" type="email" autoComplete="username" required /></label>
          <label>{t('signIn.password')}<input name="password" type="password" autoComplete="current-password" required /></label>
        </>)}
        {as === 'admin' && withToken && (
          <label>{t('signIn.token')}<input name="token" type="password" autoComplete="off" required /></label>
        )}
        {as === 'admin' && !withToken && (<>
          <label>{t('signIn.adminName')}<input name="admin" autoComplete="username" required /></label>
          <label>{t('signIn.password')}<input name="password" type="password" autoComplete="current-password" required /></label>
        </>)}
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>{t('signIn.submit')}</button>
      </form>
      {as === 'admin' && (
        <p><button type="button" className="link" onClick={() => setWithToken(!withToken)}>{t(withToken ? 'signIn.usePassword' : 'signIn.useToken')}</button></p>
      )}
      {as === 'user' && <p><Link to="/set-password/pin">{t('signIn.forgot')}</Link></p>}
    </main>
  );
}
