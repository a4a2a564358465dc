// A new password typed twice: the two must match and have at least 10 characters (the server's
// rule, checked here first so the user hears about it before a round trip).
import { useI18n, type Translate } from '../../i18n/index.js';

export const MIN_PASSWORD = 10;

export function PasswordFields({ autoFocus = false }: { autoFocus?: boolean }) {
  const { t } = useI18n();
  return (<>
    <label>{t('user.password.new')}
      <input name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} autoFocus={autoFocus} aria-describedby="password-rule" />
    </label>
    <p id="password-rule" className="muted">{t('user.password.rule', { n: MIN_PASSWORD })}</p>
    <label>{t('user.password.again')}
      <input name="again" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} />
    </label>
  </>);
}

/** The new password of a form holding PasswordFields, or throws what is wrong with it. */
export function newPassword(f: FormData, t: Translate): string {
  const password = String(f.get('password') ?? '');
  if (password.length < MIN_PASSWORD) throw new Error(t('user.password.rule', { n: MIN_PASSWORD }));
  if (password !== String(f.get('again') ?? '')) throw new Error(t('user.password.mismatch'));
  return password;
}
