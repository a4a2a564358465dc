// The web password (current one, then the new one twice) and a new voice-mail PIN, shown once.
import { useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { newPassword, PasswordFields } from './password-fields.js';

export function ChangePassword() {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setError(undefined);
    setDone(false);
    try {
      const f = new FormData(form);
      const password = newPassword(f, t);
      await api('PUT', '/api/me/password', { currentPassword: String(f.get('currentPassword') ?? ''), password });
      form.reset();
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">{t('user.password.title')}</h2>
      <form onSubmit={submit} className="stack narrow-form">
        <label>{t('user.password.current')}<input name="currentPassword" type="password" autoComplete="current-password" required /></label>
        <PasswordFields />
        <ErrorNote error={error} />
        {done && <p className="ok" role="status">{t('user.password.changed')}</p>}
        <div><button type="submit">{t('user.password.change')}</button></div>
      </form>
    </section>
  );
}

export function PinReset({ locked }: { locked: boolean }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<{ pin: string; emailed: boolean }>();
  const [confirming, setConfirming] = useState(false);
  const reset = async () => {
    setError(undefined);
    setConfirming(false);
    try {
      setResult(await api<{ pin: string; emailed: boolean }>('POST', '/api/me/pin/reset', {}));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="pin-title">
      <h2 id="pin-title">{t('user.pin.title')}</h2>
      <p className="muted">{t('user.pin.help')}</p>
      {locked && <p className="error">{t('user.pin.locked')}</p>}
      {result ? (
        <div role="status" className="ok">
          <p>{t('user.pin.new')} <strong className="pin">{result.pin}</strong></p>
          <p>{t('user.pin.once')} {result.emailed ? t('user.pin.emailed') : t('user.pin.notEmailed')}</p>
        </div>
      ) : confirming ? (
        <div className="row" role="group" aria-label={t('user.pin.confirm')}>
          <span>{t('user.pin.confirm')}</span>
          <button type="button" autoFocus onClick={() => void reset()}>{t('user.pin.reset')}</button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
        </div>
      ) : <button type="button" onClick={() => setConfirming(true)}>{t('user.pin.reset')}</button>}
      <ErrorNote error={error} />
    </section>
  );
}
